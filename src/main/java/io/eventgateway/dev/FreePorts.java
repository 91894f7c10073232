package io.eventgateway.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Picks free local ports, for servers configured with port {@code 0} that must know their port in advance. */
public final class FreePorts {

  private FreePorts() {}

  public static int pick() {
    return pick(1)[0];
  }

  /** {@code count} ports free now, all held open together while they are chosen, so that no two are the same. */
  public static int[] pick(int count) {
    List<ServerSocket> sockets = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0);
        socket.setReuseAddress(true);
        sockets.add(socket);
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // a port we only looked at
        }
      }
    }
  }
}
