package dev.baton.storage.redis;

import dev.baton.BatonException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisFunctionCommands;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operation scripts: each resource file {@code <name>.lua} runs after {@code lib.lua} and a
 * call of {@code begin(KEYS, ARGV)}. Two ways to run them, chosen at start:
 *
 * <ul>
 *   <li><b>Function library</b> (Redis 7+): {@code lib.lua} once and every operation as a function
 *       {@code baton_<hash>_<name>} of the library {@code baton_<hash>} ({@code <hash>}: of the
 *       library's source, so versions of Baton sharing a Redis never replace each other's), loaded
 *       by {@code FUNCTION LOAD} on every master and run by {@code FCALL}. The helpers are not
 *       defined again on every call, and Redis keeps one copy of them, not one per script. When a
 *       node answers that the function is unknown (a Redis that restarted without persistence, a
 *       {@code FUNCTION FLUSH}, a new master), the library is loaded again and the call repeated.
 *   <li><b>Scripts</b> (Redis 6.2, or where {@code FUNCTION LOAD} is refused): {@code lib.lua}
 *       prepended to each operation, run by {@code EVALSHA}; on NOSCRIPT (first use, or a Redis
 *       that lost its script cache) sent once in full by {@code EVAL}, which caches it again.
 * </ul>
 */
final class LuaScripts {
  private static final Logger LOG = LoggerFactory.getLogger(LuaScripts.class);
  private static final String DIR = "/dev/baton/storage/redis/";
  private static final String BAD_INPUT = "BATON_BAD_INPUT ";

  /** Every operation script (not lib.lua), in the library. */
  static final List<String> OPERATIONS =
      List.of(
          "addevent",
          "addstats",
          "batch",
          "claim",
          "count",
          "create",
          "createbatch",
          "delete",
          "deregister",
          "events",
          "extendlock",
          "find",
          "finish",
          "finishall",
          "fire",
          "heartbeat",
          "jobs",
          "keys",
          "kids",
          "leased",
          "locks",
          "logs",
          "now",
          "promote",
          "prunestats",
          "purge",
          "queues",
          "ready",
          "recurring",
          "removerecurring",
          "report",
          "requeue",
          "rescue",
          "saverecurring",
          "search",
          "servers",
          "stats",
          "trylock",
          "uniques",
          "unlock",
          "version");

  private final RedisScriptingCommands<String, String> redis;
  private final RedisFunctionCommands<String, String> functions;
  private final Consumer<String> loadEverywhere;
  private final String[] keys;
  private final Map<String, Script> scripts = new ConcurrentHashMap<>();
  private final String lib;
  private final String library;
  private final String functionPrefix;
  private final boolean useFunctions;

  /** Names the storage in the errors of a call that Redis did not answer. */
  private String where = "Redis storage";

  /**
   * @param loadEverywhere loads a function library on every master (one node when standalone)
   * @param tryFunctions whether to try the function library at all (false: scripts only)
   */
  LuaScripts(
      RedisScriptingCommands<String, String> redis,
      RedisFunctionCommands<String, String> functions,
      Consumer<String> loadEverywhere,
      String prefix,
      boolean tryFunctions) {
    this.redis = redis;
    this.functions = functions;
    this.loadEverywhere = loadEverywhere;
    this.keys = new String[] {prefix};
    this.lib = resource("lib");
    String[] built = library(lib);
    this.library = built[0];
    this.functionPrefix = built[1];
    this.useFunctions = tryFunctions && tryLoad();
  }

  private record Script(String name, String source, String sha) {}

  /** What errors call the storage, e.g. "Redis storage at redis://host:6379/8, namespace baton". */
  LuaScripts describedAs(String where) {
    this.where = where;
    return this;
  }

  /** Whether operations run as functions of a library (FCALL), not as scripts (EVALSHA). */
  boolean functions() {
    return useFunctions;
  }

  /** The name of every operation's function: this prefix and the operation's name. */
  String functionPrefix() {
    return functionPrefix;
  }

  /** Runs script {@code name} with the namespace as its only key and {@code args} as ARGV. */
  @SuppressWarnings("unchecked")
  <T> T run(String name, ScriptOutputType type, List<String> args) {
    String[] argv = args.toArray(String[]::new);
    try {
      if (useFunctions) {
        String function = functionPrefix + name;
        try {
          return (T) functions.fcall(function, type, keys, argv);
        } catch (RedisCommandExecutionException e) {
          if (!String.valueOf(e.getMessage()).contains("Function not found")) {
            throw e;
          }
          LOG.info("Redis lost the Baton function library; loading it again");
          loadEverywhere.accept(library);
          return (T) functions.fcall(function, type, keys, argv);
        }
      }
      Script s = scripts.computeIfAbsent(name, this::load);
      try {
        return (T) redis.evalsha(s.sha(), type, keys, argv);
      } catch (RedisNoScriptException e) {
        return (T) redis.eval(s.source(), type, keys, argv);
      }
    } catch (RedisCommandExecutionException e) {
      String msg = String.valueOf(e.getMessage());
      int at = msg.indexOf(BAD_INPUT);
      if (at >= 0) {
        throw new IllegalArgumentException(msg.substring(at + BAD_INPUT.length()));
      }
      throw new BatonException("Redis script '" + name + "' failed: " + msg, e);
    } catch (io.lettuce.core.RedisCommandTimeoutException
        | io.lettuce.core.RedisConnectionException e) {
      // As the JDBC storage words an outage: what failed, why, and whether to try again.
      throw new BatonException(
          where
              + ": "
              + name
              + " failed, Redis cannot be reached ("
              + e.getMessage()
              + "). It may or may not have been applied; every Baton call is safe to retry (a"
              + " repeated write is a duplicate or is refused by its fencing token), so the call"
              + " may be retried once Redis is back.",
          e);
    }
  }

  <T> T run(String name, ScriptOutputType type, String... args) {
    return run(name, type, List.of(args));
  }

  private boolean tryLoad() {
    try {
      loadEverywhere.accept(library);
      functions.fcall(functionPrefix + "now", ScriptOutputType.MULTI, keys);
      return true;
    } catch (RuntimeException e) {
      LOG.info(
          "Redis did not load or run the Baton function library (FUNCTION LOAD and FCALL need"
              + " Redis 7): running operations as EVALSHA scripts ({})",
          e.toString());
      return false;
    }
  }

  private Script load(String name) {
    String source = lib + "\nbegin(KEYS, ARGV)\n-- ---- " + name + ".lua\n" + resource(name);
    return new Script(name, source, sha1(source));
  }

  /**
   * The function library: its source and the prefix of its function names. lib.lua's lazy helper
   * table becomes eager (a library has no setmetatable, and defines them only once anyway).
   */
  static String[] library(String lib) {
    int from = lib.indexOf("-- lazy:begin");
    int to = lib.indexOf("-- lazy:end");
    if (from < 0 || to < from) {
      throw new IllegalStateException("lib.lua lost its lazy:begin/lazy:end markers");
    }
    StringBuilder body = new StringBuilder();
    body.append(lib, 0, from).append("defineRare()\n").append(lib.substring(to));
    StringBuilder ops = new StringBuilder();
    for (String name : OPERATIONS) {
      ops.append("\nredis.register_function('@@")
          .append(name)
          .append("', function(KEYS, ARGV)\nbegin(KEYS, ARGV)\n-- ---- ")
          .append(name)
          .append(".lua\n")
          .append(resource(name))
          .append("\nend)\n");
    }
    String hash = sha1(body + ops.toString()).substring(0, 12);
    String prefix = "baton_" + hash + "_";
    String source =
        "#!lua name=baton_"
            + hash
            + "\n"
            + body
            + ops.toString().replace("register_function('@@", "register_function('" + prefix);
    return new String[] {source, prefix};
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
