package dev.baton.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The writing side of the execution ledger: one append-only file per server process, one line per
 * event, each line one {@code write(2)} with no fsync. A line reaches the page cache before the
 * handler goes on, so it survives {@code SIGSTOP} and {@code SIGKILL} of the process (not a crash
 * of the machine, which these tests do not need).
 *
 * <p>Times are {@link System#nanoTime()}: {@code CLOCK_MONOTONIC} on Linux, one clock for every
 * process on the host, so the test compares runs of different processes by their numbers.
 *
 * <pre>
 * start     job token server nanos   handler entered
 * cancel    job token server nanos   the job's token fired (first time seen)
 * done      job token server nanos   the handler finished its work and returns normally
 * cancelled job token server nanos   the handler stops because of its token
 * </pre>
 */
final class Ledger implements AutoCloseable {
  private final FileChannel file;

  Ledger(Path path) {
    try {
      file =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open ledger " + path, e);
    }
  }

  void record(String event, String job, long token, String server) {
    long now = System.nanoTime();
    byte[] line =
        (event + ' ' + job + ' ' + token + ' ' + server + ' ' + now + '\n')
            .getBytes(StandardCharsets.UTF_8);
    try {
      // One write per line; the channel serialises concurrent appends from many workers.
      ByteBuffer buffer = ByteBuffer.wrap(line);
      while (buffer.hasRemaining()) {
        file.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to the ledger", e);
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
