package io.eventgateway.schema;

import java.util.Locale;

/**
 * How a schema's registry subject is named, as Confluent's serializers name it ({@code value.subject.name.strategy}):
 * per topic ({@code <topic>-value}, the default; the topic's schema is then the union of its family's records),
 * per record ({@code <record full name>}) or per topic and record ({@code <topic>-<record full name>}).
 */
public enum SubjectNameStrategy {
  TOPIC_NAME,
  RECORD_NAME,
  TOPIC_RECORD_NAME;

  /** Accepts Confluent's class names ({@code io.confluent…TopicNameStrategy}) or their simple names, in any case. */
  public static SubjectNameStrategy parse(String name) {
    String simple = name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    return switch (simple) {
      case "topicnamestrategy", "topic_name" -> TOPIC_NAME;
      case "recordnamestrategy", "record_name" -> RECORD_NAME;
      case "topicrecordnamestrategy", "topic_record_name" -> TOPIC_RECORD_NAME;
      default ->
        throw new IllegalArgumentException("registry.subjectNameStrategy '" + name + "' is none of "
            + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy");
    };
  }

  String subject(String topic, String recordFullName) {
    return switch (this) {
      case TOPIC_NAME -> topic + "-value";
      case RECORD_NAME -> recordFullName;
      case TOPIC_RECORD_NAME -> topic + "-" + recordFullName;
    };
  }
}
