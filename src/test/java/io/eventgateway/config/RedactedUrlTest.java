package io.eventgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Connection URLs are printed without their password")
class RedactedUrlTest {

  @Test
  @DisplayName("the password goes, in the user part or as a parameter; the rest stays")
  void redactsPasswords() {
    assertThat(RedactedUrl.of("postgresql://gateway:s3cr%40t:x@db:5432/gateway"))
        .isEqualTo("postgresql://gateway:***@db:5432/gateway");
    assertThat(RedactedUrl.of("postgresql://db/gateway?user=g&password=hunter2&sslmode=require"))
        .isEqualTo("postgresql://db/gateway?user=g&password=***&sslmode=require");
    assertThat(RedactedUrl.of("postgresql://postgres@127.0.0.1:15432/postgres"))
        .isEqualTo("postgresql://postgres@127.0.0.1:15432/postgres");
    assertThat(RedactedUrl.of(null)).isNull();
  }
}
