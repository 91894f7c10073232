package io.eventgateway.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The wire format: values written one after another, read back, and refused when cut short. */
@DisplayName("ConfluentWireFormat")
class ConfluentWireFormatTest {

  private static final Schema SCHEMA = SchemaBuilder.record("Sample")
      .fields()
      .requiredString("name")
      .requiredBytes("payload")
      .endRecord();

  @Test
  @DisplayName(
      "values written one after another on a thread are each their own: a later one never changes an earlier one")
  void eachValueIsItsOwn() {
    byte[] first = ConfluentWireFormat.encode(7, SCHEMA, sample("first", 10));
    byte[] copyOfFirst = first.clone();
    byte[] large = ConfluentWireFormat.encode(8, SCHEMA, sample("large", 200_000));
    byte[] second = ConfluentWireFormat.encode(9, SCHEMA, sample("second", 3));

    assertThat(first).isEqualTo(copyOfFirst);
    assertThat(ConfluentWireFormat.schemaId(first)).isEqualTo(7);
    assertThat(ConfluentWireFormat.schemaId(large)).isEqualTo(8);
    assertThat(ConfluentWireFormat.schemaId(second)).isEqualTo(9);
    assertThat(large.length).isGreaterThan(200_000);
    assertThat(second.length).isLessThan(first.length);
  }

  @Test
  @DisplayName("each value reads back as written, whatever was read before it on the thread")
  void eachValueReadsBackAsWritten() {
    byte[] large = ConfluentWireFormat.encode(1, SCHEMA, sample("large", 200_000));
    byte[] small = ConfluentWireFormat.encode(1, SCHEMA, sample("small", 2));

    GenericRecord readLarge = ConfluentWireFormat.decode(large, SCHEMA, SCHEMA);
    GenericRecord readSmall = ConfluentWireFormat.decode(small, SCHEMA, SCHEMA);

    assertThat(readLarge.get("name")).hasToString("large");
    assertThat(((ByteBuffer) readLarge.get("payload")).remaining()).isEqualTo(200_000);
    assertThat(readSmall.get("name")).hasToString("small");
    assertThat(((ByteBuffer) readSmall.get("payload")).remaining()).isEqualTo(2);
    // what was read first is not changed by the next read
    assertThat(readLarge.get("name")).hasToString("large");
  }

  @Test
  @DisplayName("a value cut short is refused, and the next one is read")
  void truncatedValueIsRefusedAndTheNextIsRead() {
    byte[] whole = ConfluentWireFormat.encode(1, SCHEMA, sample("whole", 50));
    byte[] truncated = java.util.Arrays.copyOf(whole, 12);

    assertThatThrownBy(() -> ConfluentWireFormat.decode(truncated, SCHEMA, SCHEMA))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ConfluentWireFormat.decode(whole, SCHEMA, SCHEMA).get("name")).hasToString("whole");
  }

  private static GenericRecord sample(String name, int payloadBytes) {
    GenericRecord record = new GenericData.Record(SCHEMA);
    record.put("name", name);
    record.put("payload", ByteBuffer.wrap(new byte[payloadBytes]));
    return record;
  }
}
