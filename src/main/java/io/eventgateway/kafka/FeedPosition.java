package io.eventgateway.kafka;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where a resumable feed stands: for each partition of each of its topics, the offset of the next record to read.
 * Written as the Server-Sent Events {@code id} (and a WebSocket message's {@code position}):
 * {@code topic:o0.o1.o2,topic2:o0}, partitions in order from 0, so that a client that sends it back resumes right
 * after the last event it saw, on every partition at once.
 */
public final class FeedPosition {

  /** Far above any real position (3 topics of 64 partitions at 20 digits each is about 4 KiB). */
  static final int MAX_LENGTH = 8192;

  private static final Pattern WRITTEN = Pattern.compile(
      "[A-Za-z0-9._-]+:\\d{1,19}(\\.\\d{1,19})*(,[A-Za-z0-9._-]+:\\d{1,19}(\\.\\d{1,19})*)*");

  private final Map<String, long[]> offsets;

  FeedPosition(Map<String, long[]> offsets) {
    this.offsets = new TreeMap<>();
    offsets.forEach((topic, next) -> this.offsets.put(topic, next.clone()));
  }

  /**
   * @throws IllegalArgumentException when {@code written} is not a position this gateway wrote
   */
  public static FeedPosition parse(String written) {
    if (written.length() > MAX_LENGTH || !WRITTEN.matcher(written).matches()) {
      throw new IllegalArgumentException(
          "not a feed position (an event id this feed sent, like 'events.analytics:120.7.0')");
    }
    Map<String, long[]> offsets = new TreeMap<>();
    for (String topic : written.split(",")) {
      int colon = topic.indexOf(':');
      try {
        long[] next = Arrays.stream(topic.substring(colon + 1).split("\\."))
            .mapToLong(Long::parseLong)
            .toArray();
        if (offsets.put(topic.substring(0, colon), next) != null) {
          throw new IllegalArgumentException("topic '" + topic.substring(0, colon) + "' twice");
        }
      } catch (NumberFormatException tooLarge) {
        throw new IllegalArgumentException("an offset out of range in the feed position");
      }
    }
    return new FeedPosition(offsets);
  }

  /** The offset to read next on the partition, or {@code -1} when this position does not name it. */
  public long next(String topic, int partition) {
    long[] next = offsets.get(topic);
    return next == null || partition >= next.length ? -1 : next[partition];
  }

  /** The next offset of every partition, as the feed tracks it while it reads. */
  Map<String, long[]> offsets() {
    return offsets;
  }

  /** After the record at {@code offset} of the partition was read. */
  void passed(String topic, int partition, long offset) {
    offsets.get(topic)[partition] = offset + 1;
  }

  public String written() {
    StringBuilder written = new StringBuilder(32 * offsets.size());
    offsets.forEach((topic, next) -> {
      if (!written.isEmpty()) {
        written.append(',');
      }
      written.append(topic).append(':');
      for (int partition = 0; partition < next.length; partition++) {
        if (partition > 0) {
          written.append('.');
        }
        written.append(next[partition]);
      }
    });
    return written.toString();
  }

  @Override
  public String toString() {
    return written();
  }
}
