package io.eventgateway.config;

import java.util.regex.Pattern;

/** A connection URL fit to print or log: its password, in the user part or as a parameter, replaced by {@code ***}. */
public final class RedactedUrl {

  private static final Pattern USER_PASSWORD = Pattern.compile("(://[^/@:]*:)[^/@]*@");
  private static final Pattern PASSWORD_PARAMETER =
      Pattern.compile("([?&]password=)[^&]*", Pattern.CASE_INSENSITIVE);

  private RedactedUrl() {}

  public static String of(String url) {
    if (url == null) {
      return null;
    }
    String redacted = USER_PASSWORD.matcher(url).replaceFirst("$1***@");
    return PASSWORD_PARAMETER.matcher(redacted).replaceAll("$1***");
  }
}
