package io.eventgateway.feeds;

import io.eventgateway.kafka.FeedSink;
import java.util.ArrayList;
import java.util.List;

/** A resumable feed's client connection: what runs when it goes away, once, whichever side ends it. */
public abstract class ClientSink implements FeedSink {

  /** What waits for a slow client before the feed stops reading (the feed's bound, with one poll's messages). */
  static final int WRITE_QUEUE_BYTES = 256 * 1024;

  private final List<Runnable> closeHandlers = new ArrayList<>();
  private boolean closed;

  @Override
  public final void closeHandler(Runnable closed) {
    closeHandlers.add(closed);
  }

  @Override
  public final boolean isClosed() {
    return closed;
  }

  /** For the connection's close handler, and after the gateway closed it. */
  protected final void closed() {
    if (!closed) {
      closed = true;
      closeHandlers.forEach(Runnable::run);
    }
  }
}
