package dev.baton.storage.redis;

import dev.baton.BatonException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import java.util.List;

/**
 * Checks at start that the Redis we reached can run Baton: Lua scripting with {@code TIME} in
 * scripts, and a version with the commands the scripts use (6.2+). Each failure names the problem.
 */
final class RedisPreflight {
  private RedisPreflight() {}

  static void check(RedisConnector connector, LuaScripts scripts) {
    String where = connector.where();
    try {
      String version = scripts.run("version", ScriptOutputType.VALUE, List.of());
      if (!atLeast(version, 6, 2)) {
        throw new BatonException(
            "Redis at "
                + where
                + " is version "
                + version
                + "; Baton needs Redis 6.2 or later"
                + " (7.x recommended)");
      }
    } catch (BatonException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("'version' failed")) {
        throw new BatonException(explain(where, msg), e);
      }
      throw e;
    } catch (RedisCommandExecutionException e) {
      throw new BatonException(explain(where, String.valueOf(e.getMessage())), e);
    }
  }

  private static String explain(String where, String msg) {
    String lower = msg.toLowerCase();
    if (lower.contains("unknown redis command called from script")) {
      return "Redis at "
          + where
          + " does not let scripts call TIME (renamed or disabled?); Baton reads the Redis clock"
          + " inside every script for leases and schedules. Cause: "
          + msg;
    }
    if (lower.contains("unknown command") || lower.contains("noscript") || lower.contains("eval")) {
      return "Redis at "
          + where
          + " does not run Lua scripts (FUNCTION/FCALL and EVAL/EVALSHA disabled or renamed?);"
          + " Baton runs every operation as a script. Cause: "
          + msg;
    }
    if (lower.contains("time")) {
      return "Redis at "
          + where
          + " does not allow TIME inside scripts; Baton uses the Redis"
          + " clock for leases. Cause: "
          + msg;
    }
    if (lower.contains("noauth") || lower.contains("wrongpass")) {
      return "Redis at "
          + where
          + " requires authentication: put user and password in the URI"
          + " (redis://user:password@host:port). Cause: "
          + msg;
    }
    return "Redis at " + where + " failed the start-up check: " + msg;
  }

  private static boolean atLeast(String version, int major, int minor) {
    try {
      String[] p = version.split("\\.");
      int ma = Integer.parseInt(p[0]);
      int mi = p.length > 1 ? Integer.parseInt(p[1]) : 0;
      return ma > major || (ma == major && mi >= minor);
    } catch (RuntimeException e) {
      return true;
    }
  }
}
