package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link in README.md and docs/**.md points to a file that exists and, with {@code
 * #anchor} into a markdown page, to a heading there (GitHub's anchors). Links inside code are not
 * links.
 */
class DocLinksTest {
  private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)[^)]*\\)");

  private final Path root = DocPages.root();
  private final Map<Path, Set<String>> anchors = new HashMap<>();

  @Test
  void everyRelativeLinkResolves() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md")));
    try (Stream<Path> docs = Files.walk(root.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    List<String> broken = new ArrayList<>();
    int checked = 0;
    for (Path page : pages) {
      for (String target : links(Files.readString(page))) {
        if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
          continue; // https:, mailto: ...
        }
        checked++;
        String problem = problem(page, target);
        if (problem != null) {
          broken.add(root.relativize(page) + ": (" + target + ") " + problem);
        }
      }
    }
    assertThat(broken).isEmpty();
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void theReadmeLinksTheUserDocs() throws IOException {
    String readme = Files.readString(root.resolve("README.md"));
    for (String page :
        List.of(
            "quickstart.md",
            "concepts.md",
            "configuration.md",
            "storages.md",
            "operations.md",
            "coming-from-hangfire.md")) {
      assertThat(readme).contains("(docs/" + page + ")");
    }
  }

  @Test
  void anchorsFollowGitHubsRules() {
    assertThat(slug("Where the storage is: `--storage URL`"))
        .isEqualTo("where-the-storage-is---storage-url");
    assertThat(slug("The server app (`baton server`)")).isEqualTo("the-server-app-baton-server");
    assertThat(slug("`DashboardServer.Options`")).isEqualTo("dashboardserveroptions");
    // An en dash is punctuation, dropped like the colons.
    assertThat(slug("2026-12-07 01:49–02:30 UTC")).isEqualTo("2026-12-07-01490230-utc");
  }

  private String problem(Path page, String target) throws IOException {
    int hash = target.indexOf('#');
    String file = hash < 0 ? target : target.substring(0, hash);
    Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
    if (!Files.exists(resolved)) {
      return "no such file";
    }
    if (hash < 0 || !resolved.toString().endsWith(".md")) {
      return null;
    }
    String anchor = target.substring(hash + 1);
    return anchorsOf(resolved).contains(anchor) ? null : "no heading with anchor #" + anchor;
  }

  private Set<String> anchorsOf(Path page) throws IOException {
    Set<String> known = anchors.get(page);
    if (known == null) {
      known = new HashSet<>();
      Map<String, Integer> seen = new HashMap<>();
      for (String line : outsideCode(Files.readString(page))) {
        if (line.matches("#{1,6} .*")) {
          String slug = slug(line.replaceFirst("^#+ ", ""));
          int n = seen.merge(slug, 1, Integer::sum);
          known.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
      }
      anchors.put(page, known);
    }
    return known;
  }

  /** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
  static String slug(String heading) {
    return heading
        .strip()
        .toLowerCase(Locale.ROOT)
        .replaceAll("[^\\p{L}\\p{N} _-]", "")
        .replace(' ', '-');
  }

  private static List<String> links(String markdown) {
    List<String> targets = new ArrayList<>();
    for (String line : outsideCode(markdown)) {
      Matcher m = LINK.matcher(line.replaceAll("`[^`]*`", "``"));
      while (m.find()) {
        targets.add(m.group(1));
      }
    }
    return targets;
  }

  /** The lines that are not in fenced code blocks. */
  private static List<String> outsideCode(String markdown) {
    List<String> lines = new ArrayList<>();
    boolean fenced = false;
    for (String line : markdown.split("\n")) {
      if (line.strip().startsWith("```")) {
        fenced = !fenced;
      } else if (!fenced) {
        lines.add(line);
      }
    }
    return lines;
  }
}
