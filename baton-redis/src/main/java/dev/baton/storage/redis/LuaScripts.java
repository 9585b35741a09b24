package dev.baton.storage.redis;

import dev.baton.BatonException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operation scripts: each resource file {@code <name>.lua}, with {@code lib.lua} prepended, is
 * one script. It is run by EVALSHA; on NOSCRIPT (first use, or a Redis that restarted or failed
 * over and lost its script cache) it is sent once in full by EVAL, which caches it again.
 */
final class LuaScripts {
  private static final String DIR = "/dev/baton/storage/redis/";

  private final RedisScriptingCommands<String, String> redis;
  private final String[] keys;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final String lib;

  LuaScripts(RedisScriptingCommands<String, String> redis, String prefix) {
    this.redis = redis;
    this.keys = new String[] {prefix};
    this.lib = resource("lib");
  }

  private record Script(String name, String source, String sha) {}

  /** Runs script {@code name} with the namespace as its only key and {@code args} as ARGV. */
  @SuppressWarnings("unchecked")
  <T> T run(String name, ScriptOutputType type, List<String> args) {
    Script s = scripts.computeIfAbsent(name, this::load);
    String[] argv = args.toArray(String[]::new);
    try {
      try {
        return (T) redis.evalsha(s.sha(), type, keys, argv);
      } catch (RedisNoScriptException e) {
        return (T) redis.eval(s.source(), type, keys, argv);
      }
    } catch (RedisCommandExecutionException e) {
      String msg = String.valueOf(e.getMessage());
      int at = msg.indexOf("BATON_BAD_INPUT ");
      if (at >= 0) {
        throw new IllegalArgumentException(msg.substring(at + "BATON_BAD_INPUT ".length()));
      }
      throw new BatonException("Redis script '" + name + "' failed: " + msg, e);
    }
  }

  <T> T run(String name, ScriptOutputType type, String... args) {
    return run(name, type, List.of(args));
  }

  private Script load(String name) {
    String source = lib + "\n-- ---- " + name + ".lua\n" + resource(name);
    return new Script(name, source, sha1(source));
  }

  private static String resource(String name) {
    try (InputStream in = LuaScripts.class.getResourceAsStream(DIR + name + ".lua")) {
      if (in == null) {
        throw new IllegalStateException("missing script resource " + DIR + name + ".lua");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read script " + name, e);
    }
  }

  private static String sha1(String source) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      return HexFormat.of().formatHex(md.digest(source.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
