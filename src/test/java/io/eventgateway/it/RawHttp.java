package io.eventgateway.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte as the test writes it: for requests no well-behaved client would send
 * (invalid UTF-8, broken headers, lying Content-Length, bodies that trickle in).
 */
final class RawHttp {

  private RawHttp() {}

  /** A response; header names lower-cased; {@code status} is {@code -1} when the server closed without answering. */
  record Response(int status, Map<String, String> headers, String body) {

    String contentType() {
      return headers.getOrDefault("content-type", "");
    }
  }

  /** A POST of {@code body} with {@code Connection: close}, a correct Content-Length and the given extra header lines. */
  static byte[] post(
      String path, String contentType, String apiKey, byte[] body, String... headerLines) {
    StringBuilder head = new StringBuilder("POST ")
        .append(path)
        .append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .append("Connection: close\r\nContent-Length: ")
        .append(body.length)
        .append("\r\n");
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (apiKey != null) {
      head.append("Authorization: Bearer ").append(apiKey).append("\r\n");
    }
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("\r\n");
    byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
    byte[] request = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, request, 0, headBytes.length);
    System.arraycopy(body, 0, request, headBytes.length, body.length);
    return request;
  }

  /** Sends {@code request} (as much as the server reads of it), then reads the response until the server closes. */
  static Response exchange(int port, byte[] request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      try {
        out.write(request);
        out.flush();
      } catch (IOException closedEarly) {
        // the server may answer (413, 431) and close before reading everything: its answer still
        // counts
      }
      return read(socket.getInputStream());
    }
  }

  /** Sends the head and the first {@code sent} bytes of the body, then stalls until the server answers. */
  static Response stall(int port, byte[] request, int sent) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request, 0, sent);
      socket.getOutputStream().flush();
      return read(socket.getInputStream());
    }
  }

  /**
   * Sends the head and the first {@code sent} bytes of the body, then waits only for the status line: for answers
   * given while the body is still owed, on a connection the server keeps.
   *
   * @return the status code, or -1 when the connection closed first
   */
  static int stallForStatus(int port, byte[] request, int sent) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(30_000);
      socket.getOutputStream().write(request, 0, sent);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
        line.append((char) b);
      }
      return line.length() >= 12 && line.toString().startsWith("HTTP/1.")
          ? Integer.parseInt(line.substring(9, 12))
          : -1;
    }
  }

  private static Response read(InputStream in) throws IOException {
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    byte[] chunk = new byte[8192];
    try {
      for (int n; (n = in.read(chunk)) > 0; ) {
        received.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException | java.net.SocketException e) {
      // keep what arrived
    }
    String text = received.toString(StandardCharsets.UTF_8);
    int endOfHead = text.indexOf("\r\n\r\n");
    if (!text.startsWith("HTTP/1.") || endOfHead < 0) {
      return new Response(-1, Map.of(), text);
    }
    String[] lines = text.substring(0, endOfHead).split("\r\n");
    Map<String, String> headers = new HashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(),
          lines[i].substring(colon + 1).trim());
    }
    return new Response(
        Integer.parseInt(lines[0].substring(9, 12)), headers, text.substring(endOfHead + 4));
  }
}
