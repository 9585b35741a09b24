package dev.baton.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The project's markdown pages, for the tests that keep them true. */
final class DocPages {
  private DocPages() {}

  /** The repository's root: the directory above {@code baton-server}, where the tests run. */
  static Path root() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("docs"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no docs/ above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static String read(String relative) {
    try {
      return Files.readString(root().resolve(relative));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + relative, e);
    }
  }

  /**
   * The text of the page from the heading that starts with {@code heading} to the next heading of
   * the same or a higher level (lines in fenced code blocks are no headings).
   */
  static String section(String page, String heading) {
    int level = heading.indexOf(' ');
    StringBuilder section = null;
    boolean fenced = false;
    for (String line : page.split("\n", -1)) {
      if (line.startsWith("```")) {
        fenced = !fenced;
      }
      boolean isHeading = !fenced && line.matches("#+ .*");
      int hashes = line.indexOf(' ');
      if (section != null && isHeading && hashes <= level) {
        break;
      }
      if (section == null && isHeading && line.startsWith(heading)) {
        section = new StringBuilder();
      }
      if (section != null) {
        section.append(line).append('\n');
      }
    }
    if (section == null) {
      throw new AssertionError("no heading '" + heading + "'");
    }
    return section.toString();
  }

  /** The rows of the tables in {@code text}, each as its cells (header and rule rows left out). */
  static List<List<String>> rows(String text) {
    List<List<String>> rows = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (!line.startsWith("|") || line.matches("\\|[\\s|:-]+\\|")) {
        continue;
      }
      boolean header = i + 1 < lines.length && lines[i + 1].strip().matches("\\|[\\s|:-]+\\|");
      if (!header) {
        rows.add(cells(line));
      }
    }
    return rows;
  }

  private static List<String> cells(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    for (int i = 1; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length() && line.charAt(i + 1) == '|') {
        cell.append('|');
        i++;
      } else if (c == '|') {
        cells.add(cell.toString().strip());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    return cells;
  }

  /** The contents of the {@code ```java} blocks of a page, in order. */
  static List<String> javaBlocks(String page) {
    return blocks(page, "java");
  }

  /**
   * The contents of the fenced blocks of {@code language} ({@code ```yaml}), in order, without the
   * indentation of a block inside a list item.
   */
  static List<String> blocks(String page, String language) {
    List<String> blocks = new ArrayList<>();
    Matcher m =
        Pattern.compile(
                "(?ms)^([ \\t]*)```" + Pattern.quote(language) + "[ \\t]*\\n(.*?)^\\1```\\s*$")
            .matcher(page);
    while (m.find()) {
      String indent = m.group(1);
      blocks.add(
          m.group(2)
              .lines()
              .map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l)
              .collect(java.util.stream.Collectors.joining("\n", "", "\n")));
    }
    return blocks;
  }
}
