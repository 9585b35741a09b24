package dev.baton.spring;

import dev.baton.storage.JobStorage;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;

/** {@code baton} in {@code /actuator/info}: Baton's version, the storage and the server id. */
public final class BatonInfoContributor implements InfoContributor {
  /** Baton's version, from the starter's jar. */
  public static final String VERSION = readVersion();

  private final JobStorage storage;
  private final BatonServerLifecycle lifecycle;

  /** {@code lifecycle} is null when this application runs no server. */
  public BatonInfoContributor(JobStorage storage, BatonServerLifecycle lifecycle) {
    this.storage = storage;
    this.lifecycle = lifecycle;
  }

  @Override
  public void contribute(Info.Builder builder) {
    Map<String, Object> baton = new LinkedHashMap<>();
    baton.put("version", VERSION);
    baton.put("storage", storage.getClass().getSimpleName());
    if (lifecycle != null) {
      baton.put("serverId", lifecycle.config().serverId());
      baton.put("queues", lifecycle.config().queues());
      baton.put("workers", lifecycle.config().workers());
    }
    builder.withDetail("baton", baton);
  }

  private static String readVersion() {
    try (InputStream in =
        BatonInfoContributor.class.getResourceAsStream("baton-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
