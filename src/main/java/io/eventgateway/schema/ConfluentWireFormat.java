package io.eventgateway.schema;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The Confluent wire format: magic byte {@code 0}, the schema id as a 4-byte big-endian int, then Avro binary.
 * Any standard Avro deserializer (Confluent's {@code KafkaAvroDeserializer}, a plain {@code GenericDatumReader}
 * given the schema fetched by id) reads these bytes.
 */
public final class ConfluentWireFormat {

  /** The first byte of every value. */
  public static final byte MAGIC_BYTE = 0;

  private static final int HEADER_SIZE = 5;
  // built once per schema, not per event: Avro's generic writers and readers are safe to share
  // between threads
  private static final Map<Schema, GenericDatumWriter<Object>> WRITERS = new ConcurrentHashMap<>();
  private static final Map<List<Schema>, GenericDatumReader<GenericRecord>> READERS =
      new ConcurrentHashMap<>();

  private ConfluentWireFormat() {}

  /**
   * @param writer the schema registered under {@code schemaId}: the record's own, or a union holding it (the
   *     topic's schema), in which case the union branch is written first, as Avro does
   */
  public static byte[] encode(int schemaId, Schema writer, GenericRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.write(schemaId >>> 24);
    out.write(schemaId >>> 16);
    out.write(schemaId >>> 8);
    out.write(schemaId);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      WRITERS.computeIfAbsent(writer, GenericDatumWriter::new).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** The schema id of a value; throws {@link IllegalArgumentException} when the value is not in the wire format. */
  public static int schemaId(byte[] value) {
    if (value == null || value.length < HEADER_SIZE || value[0] != MAGIC_BYTE) {
      throw new IllegalArgumentException(
          "not in the Confluent wire format (magic byte 0 + 4-byte schema id)");
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  /**
   * Decodes the Avro body written with {@code writer} (the schema registered under the value's id) into the shape
   * of {@code reader} (Avro schema resolution: fields the writer lacked get the reader's defaults, fields the
   * reader lacks are skipped), so that every registered version reads as the current one.
   *
   * @throws IllegalArgumentException when the body does not match the writer, or the reader cannot resolve it
   */
  public static GenericRecord decode(byte[] value, Schema writer, Schema reader) {
    try {
      return READERS
          .computeIfAbsent(
              List.of(writer, reader), pair -> new GenericDatumReader<>(writer, reader))
          .read(
              null,
              DecoderFactory.get()
                  .binaryDecoder(value, HEADER_SIZE, value.length - HEADER_SIZE, null));
    } catch (IOException | AvroRuntimeException e) {
      throw new IllegalArgumentException(
          "Avro body written with " + writer.getFullName()
              + " cannot be read as the current schema: " + e.getMessage(),
          e);
    }
  }
}
