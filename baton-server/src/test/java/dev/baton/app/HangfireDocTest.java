package dev.baton.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/coming-from-hangfire.md's Java compiles against the real API: its first block is a class
 * ({@code Jobs}) that the other blocks share; each later block is compiled as the body of a method
 * of a subclass of it, with the first block's imports.
 */
class HangfireDocTest {
  @Test
  void everyJavaSnippetCompiles(@TempDir Path dir) throws Exception {
    List<String> blocks = DocPages.javaBlocks(DocPages.read("docs/coming-from-hangfire.md"));
    assertThat(blocks).hasSizeGreaterThan(10);
    String setup = blocks.get(0);
    String imports =
        setup.lines().filter(l -> l.startsWith("import ")).collect(Collectors.joining("\n"));
    List<String> sources = new ArrayList<>(List.of(setup));
    for (int i = 1; i < blocks.size(); i++) {
      sources.add(
          imports
              + "\n\npublic class Snippet"
              + i
              + " extends Jobs {\n  void snippet() throws Exception {\n"
              + blocks.get(i)
              + "  }\n}\n");
    }
    assertThat(DocCompiler.compile(dir, sources)).isEmpty();
  }
}
