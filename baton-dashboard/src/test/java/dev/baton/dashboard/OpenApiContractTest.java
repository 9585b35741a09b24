package dev.baton.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.dashboard.api.OpenApi;
import dev.baton.dashboard.http.Route;
import dev.baton.storage.memory.InMemoryStorage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The route table, openapi.json and the design's REST table describe the same routes. */
class OpenApiContractTest {
  static Set<String> routes() {
    try (InMemoryStorage storage = new InMemoryStorage();
        Dashboard dashboard = Dashboard.builder(storage).build()) {
      Set<String> out = new TreeSet<>();
      for (Route r : dashboard.routes()) {
        out.add(r.method() + " " + r.pattern());
      }
      return out;
    }
  }

  static Set<String> documented() throws Exception {
    JsonNode doc;
    try (InputStream in = OpenApi.class.getResourceAsStream(OpenApi.RESOURCE)) {
      doc = Web.MAPPER.readTree(in);
    }
    assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
    Set<String> out = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> path = paths.next();
      for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
        out.add(methods.next().toUpperCase(Locale.ROOT) + " " + path.getKey());
      }
    }
    return out;
  }

  @Test
  void everyRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    Set<String> routes = routes();
    Set<String> documented = documented();
    assertThat(documented).as("in openapi.json but not routed").isSubsetOf(routes);
    assertThat(routes).as("routed but not in openapi.json").isSubsetOf(documented);
  }

  @Test
  void theDesignTableListsEveryApiRoute() throws Exception {
    Path design = Path.of("..", "docs", "dashboard-design.md");
    if (!Files.exists(design)) {
      return; // run outside the repository
    }
    String text = Files.readString(design, StandardCharsets.UTF_8);
    Set<String> table = new TreeSet<>();
    Matcher row = Pattern.compile("(?m)^\\| ([A-Z |\\\\]+?) \\| `(/api/v1/[^`?]*)").matcher(text);
    while (row.find()) {
      for (String method : row.group(1).split("[^A-Z]+")) {
        if (!method.isBlank()) {
          table.add(method + " " + row.group(2));
        }
      }
    }
    Matcher alt = Pattern.compile("also `([A-Z]+) (/api/v1/[^`]+)`").matcher(text);
    while (alt.find()) {
      table.add(alt.group(1) + " " + alt.group(2));
    }
    Set<String> api = new TreeSet<>();
    for (String r : routes()) {
      if (r.contains(" /api/")) {
        api.add(r);
      }
    }
    assertThat(api).as("routes missing from the design's REST table").isSubsetOf(table);
  }
}
