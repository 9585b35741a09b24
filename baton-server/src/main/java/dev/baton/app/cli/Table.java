package dev.baton.app.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A text table: columns as wide as their widest cell, two spaces apart. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();

  Table(String... header) {
    rows.add(header);
  }

  void row(String... cells) {
    rows.add(cells);
  }

  void print(PrintStream out) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], Text.width(r[i] == null ? "" : r[i]));
      }
    }
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        String cell = r[i] == null ? "" : r[i];
        line.append(cell);
        if (i < columns - 1) {
          line.append(" ".repeat(widths[i] - Text.width(cell) + 2));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
