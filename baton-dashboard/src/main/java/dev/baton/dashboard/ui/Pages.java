package dev.baton.dashboard.ui;

import dev.baton.dashboard.api.ApiError;
import dev.baton.dashboard.api.Json;
import dev.baton.dashboard.http.Call;
import dev.baton.dashboard.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pages: every page path answers the same shell, {@code ui/index.html}, with {@code {{base}}}
 * replaced by the mount path (HTML-escaped) and {@code {{asset:app.js}}} by the asset's hashed
 * path; the script renders the page from {@code location.pathname} and the JSON API.
 */
public final class Pages {
  private static final Pattern ASSET = Pattern.compile("\\{\\{asset:([^}]+)}}");

  private final Assets assets;
  private final Json json;

  public Pages(Assets assets, Json json) {
    this.assets = assets;
    this.json = json;
  }

  public HttpResponse page(Call call) {
    Optional<byte[]> shell = assets.file("index.html");
    if (shell.isEmpty()) {
      return ApiError.notFound("the dashboard UI (ui/index.html) is not in this build")
          .response(json);
    }
    String base = call.request().mountPath();
    String html = render(Assets.text(shell.get()), base);
    return HttpResponse.of(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8))
        .withHeader("Cache-Control", "no-cache");
  }

  String render(String template, String base) {
    Matcher m = ASSET.matcher(template);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).trim();
      String path = assets.hashedPath(name).orElse("/assets/" + name);
      m.appendReplacement(out, Matcher.quoteReplacement(escape(base + path)));
    }
    m.appendTail(out);
    return out.toString().replace("{{base}}", escape(base));
  }

  /** {@code text} safe inside HTML text and quoted attributes. */
  static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
