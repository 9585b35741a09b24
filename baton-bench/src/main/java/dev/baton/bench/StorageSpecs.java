package dev.baton.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/** The storages benchmarks can run on, by {@code --storage} name. Add a storage here. */
public final class StorageSpecs {
  private static final Map<String, Function<BenchOptions, StorageSpec>> SPECS = new TreeMap<>();

  static {
    SPECS.put("memory", o -> new MemorySpec());
    SPECS.put("postgres", PostgresSpec::new);
    SPECS.put("h2", H2Spec::new);
    SPECS.put("redis", RedisSpec::new);
  }

  private StorageSpecs() {}

  public static StorageSpec create(BenchOptions options) {
    Function<BenchOptions, StorageSpec> spec = SPECS.get(options.storage());
    if (spec == null) {
      throw new IllegalArgumentException(
          "--storage must be one of " + SPECS.keySet() + ", got '" + options.storage() + "'");
    }
    return spec.apply(options);
  }
}
