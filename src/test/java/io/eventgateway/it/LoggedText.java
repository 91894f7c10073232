package io.eventgateway.it;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;

/**
 * All the text a log layout prints of one event: the formatted message and, as both layouts print it, the
 * exception with its message, causes and stack. A secret check that reads the message alone misses what an
 * exception carries.
 */
final class LoggedText {

  private LoggedText() {}

  static String of(ILoggingEvent event) {
    return event.getThrowableProxy() == null
        ? event.getFormattedMessage()
        : event.getFormattedMessage() + "\n"
            + ThrowableProxyUtil.asString(event.getThrowableProxy());
  }
}
