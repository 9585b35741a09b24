package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.CreateResult;
import dev.baton.storage.JobSpec;
import dev.baton.storage.NewJob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * PostgreSQL: the common {@code create} (no uniqueness key, no parent) as ONE statement, run in
 * auto-commit: it reads the clock, inserts the jobs and their history rows and calls pg_notify, so
 * an enqueue costs one round trip instead of five (clock and existing ids, insert, history, notify,
 * commit). The notifications are still delivered only once the statement's transaction commits. The
 * same statement hands jobs over to an idle server's offer ({@link OfferOps}): the job is inserted
 * PROCESSING under that server's lease and the notification carries the whole lease.
 *
 * <p>The statement inserts nothing if any id already exists (the caller then takes the general
 * path, which reports the duplicates); a concurrent insert of one of the ids between its check and
 * its insert makes it skip that row only, and the caller finishes the rest in the general path too.
 */
final class FastCreate {
  // Parameters: ids, types, queues, args, meta, max attempts, concurrency, run_at, delay in
  // microseconds, reasons (arrays in job order); whether a job may be handed over; the payload
  // prefix; the channel and payload prefix of jobsAvailable; the hand-over channel.
  //
  // Hand-over (b, o, e, x): b holds the batch's queues that a job could be handed over in (a job
  // entering ENQUEUED without permits). o1 locks an offer for one of them with SKIP LOCKED, so
  // concurrent creates use other offers instead of queueing behind one row; only if every such
  // offer is locked (by another create, or by its server replacing it after a job finished: the
  // common case) does o wait for one, for the length of that statement, rather than decline. A
  // job is handed over if it enters ENQUEUED without permits in one of the offer's queues, no job
  // is ENQUEUED in its queue, no earlier job of the batch entered it, its lease fits in a NOTIFY
  // payload, and a slot is left: slots go to such jobs in batch order. Without an offer e and x are
  // empty and the statement does what it did before hand-over existed. The hand-overs are notified
  // before jobsAvailable (NOTIFY keeps a transaction's order): the server has taken its workers
  // for them before it wakes to claim, so it does not claim for workers the hand-overs fill.
  //
  // An offer for a queue of b, the batch's first queue first (one probe of baton_offer_queues' key
  // per queue), in whose queue no job is ENQUEUED. That probe names f so that it runs only once an
  // offer is found (a create without one pays nothing for it), and is a scalar subquery in the
  // claim's own shape (ORDER BY queue_pos LIMIT 1) so that it is always one probe of the partial
  // index of enqueued jobs: as NOT EXISTS the planner may scan the table instead.
  private static final String OFFER =
      """
        SELECT f.server_id, f.queues, f.slots
        FROM b JOIN baton_offer_queues q ON q.queue = b.queue
        JOIN baton_offers f ON f.server_id = q.server_id
        WHERE q.queue = ANY(f.queues) AND f.slots > 0 AND f.expires_at > (SELECT ts FROM t)
          AND (SELECT j.queue_pos FROM baton_jobs j
            WHERE j.state = 'ENQUEUED' AND j.queue = q.queue AND f.slots > 0
            ORDER BY j.queue_pos LIMIT 1) IS NULL
      """;

  static final String CREATE =
      """
      WITH t AS MATERIALIZED (SELECT clock_timestamp() AS ts),
      n AS MATERIALIZED (
        SELECT n.*, COALESCE(n.run_at, t.ts + n.delay_us * INTERVAL '1 microsecond') AS due
        FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), CAST(? AS text[]), CAST(? AS text[]),
            CAST(? AS text[]), CAST(? AS int[]), CAST(? AS text[]),
            CAST(CAST(? AS text[]) AS timestamptz[]), CAST(? AS bigint[]), CAST(? AS text[]))
          WITH ORDINALITY AS n(id, type, queue, args_json, meta_json, max_attempts,
            concurrency_json, run_at, delay_us, reason, ord)
        CROSS JOIN t),
      b AS MATERIALIZED (
        SELECT n.queue, min(n.ord) AS first FROM n CROSS JOIN t
        WHERE CAST(? AS boolean) AND n.concurrency_json IS NULL
          AND (n.due IS NULL OR n.due <= t.ts)
        GROUP BY n.queue),
      o1 AS MATERIALIZED (
      """
          + OFFER
          + """
        ORDER BY b.first LIMIT 1 FOR UPDATE OF f SKIP LOCKED),
      o2 AS MATERIALIZED (
      """
          + OFFER
          + """
          AND NOT EXISTS (SELECT 1 FROM o1)
        ORDER BY b.first LIMIT 1 FOR UPDATE OF f),
      o AS MATERIALIZED (SELECT * FROM o1 UNION ALL SELECT * FROM o2),
      e AS MATERIALIZED (
        SELECT n.ord, n.id, n.queue, o.server_id, o.slots, p.payload,
          n.concurrency_json IS NULL AND n.queue = ANY(o.queues)
            AND octet_length(p.payload) < 8000
            AND (SELECT j.queue_pos FROM baton_jobs j WHERE j.state = 'ENQUEUED'
              AND j.queue = n.queue ORDER BY j.queue_pos LIMIT 1) IS NULL AS ok
        FROM n CROSS JOIN o CROSS JOIN t
        CROSS JOIN LATERAL (
          SELECT ? || CAST(json_build_object('id', n.id, 'type', n.type, 'queue', n.queue,
            'args', n.args_json, 'meta', n.meta_json, 'maxAttempts', n.max_attempts,
            'server', o.server_id, 'token', 1, 'attempt', 1,
            'createdAt', CAST(EXTRACT(EPOCH FROM date_trunc('second', t.ts)) AS BIGINT) * 1000000
              + CAST(EXTRACT(MICROSECONDS FROM t.ts) AS BIGINT) % 1000000) AS text) AS payload) p
        WHERE n.due IS NULL OR n.due <= t.ts),
      x AS MATERIALIZED (
        SELECT r.id, r.server_id, r.payload
        FROM (SELECT g.*, row_number() OVER (ORDER BY g.ord) AS rank
              FROM (SELECT e.*, bool_and(e.ok) OVER (PARTITION BY e.queue ORDER BY e.ord) AS run
                    FROM e) g
              WHERE g.run) r
        WHERE r.rank <= r.slots),
      i AS (
        INSERT INTO baton_jobs (id, type, queue, args_json, meta_json, max_attempts,
          concurrency_json, state, attempt, fencing_token, owner, created_at, state_at, run_at,
          queue_pos)
        SELECT n.id, n.type, n.queue, n.args_json, n.meta_json, n.max_attempts, n.concurrency_json,
          CASE WHEN n.owner IS NOT NULL THEN 'PROCESSING'
            WHEN n.due > t.ts THEN 'SCHEDULED' ELSE 'ENQUEUED' END,
          1, CASE WHEN n.owner IS NULL THEN 0 ELSE 1 END, n.owner, t.ts, t.ts,
          CASE WHEN n.owner IS NULL THEN n.due END, nextval('baton_queue_seq')
        FROM (SELECT n.*, x.server_id AS owner FROM n LEFT JOIN x ON x.id = n.id
              WHERE NOT EXISTS (SELECT 1 FROM baton_jobs j JOIN n m ON j.id = m.id)
              ORDER BY n.ord) n
        CROSS JOIN t
        ON CONFLICT (id) DO NOTHING
        RETURNING id, queue, state, owner),
      h AS (
        INSERT INTO baton_history (job_id, state, at, server_id, reason)
        SELECT i.id, v.state, t.ts, v.server_id, v.reason
        FROM i JOIN n ON n.id = i.id CROSS JOIN t
        CROSS JOIN LATERAL (VALUES
          (1, CASE WHEN i.owner IS NULL THEN i.state ELSE 'ENQUEUED' END, CAST(NULL AS text),
            n.reason),
          (2, 'PROCESSING', i.owner, 'handed over to ' || i.owner)) v(k, state, server_id, reason)
        WHERE v.k = 1 OR i.owner IS NOT NULL
        ORDER BY n.ord, v.k),
      s AS (
        UPDATE baton_offers f SET slots = f.slots - u.used
        FROM (SELECT count(*) AS used FROM i WHERE i.owner IS NOT NULL) u, o
        WHERE f.server_id = o.server_id AND u.used > 0),
      w AS (
        SELECT pg_notify(?, ? || q.queue)
        FROM (SELECT DISTINCT queue FROM i WHERE state = 'ENQUEUED') q),
      ho AS (
        SELECT pg_notify(?, x.payload) FROM i JOIN x ON x.id = i.id WHERE i.owner IS NOT NULL)
      SELECT i.id, i.state, (SELECT count(*) FROM ho), (SELECT count(*) FROM w) FROM i
      """;

  /** Longer delays take the general path (their microseconds would not fit a bigint safely). */
  private static final Duration MAX_DELAY = Duration.ofDays(100 * 365);

  private FastCreate() {}

  /** Whether {@code jobs} can be created by {@link #create}. */
  static boolean applies(List<NewJob> jobs) {
    Set<JobId> ids = new HashSet<>();
    for (NewJob job : jobs) {
      JobSpec spec = job.spec();
      if (spec.unique() != null
          || spec.parent() != null
          || !ids.add(spec.id())
          || (job.delay() != null && job.delay().compareTo(MAX_DELAY) > 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Runs the statement; returns the jobs it created, by id, with their state (possibly none, when
   * one of the ids exists already).
   */
  static Map<JobId, JobState> create(
      Tx tx, List<NewJob> jobs, String payloadPrefix, boolean handOver) throws SQLException {
    int n = jobs.size();
    UUID[] ids = new UUID[n];
    String[] types = new String[n];
    String[] queues = new String[n];
    String[] args = new String[n];
    String[] meta = new String[n];
    Integer[] maxAttempts = new Integer[n];
    String[] concurrency = new String[n];
    String[] runAt = new String[n];
    Long[] delay = new Long[n];
    String[] reasons = new String[n];
    for (int k = 0; k < n; k++) {
      NewJob job = jobs.get(k);
      JobSpec spec = job.spec();
      ids[k] = spec.id().value();
      types[k] = spec.type();
      queues[k] = spec.queue();
      args[k] = spec.argsJson();
      meta[k] = spec.metaJson();
      maxAttempts[k] = spec.maxAttempts();
      concurrency[k] = JobRow.writeConcurrency(spec.concurrency());
      runAt[k] = job.runAt() == null ? null : job.runAt().toString();
      delay[k] = job.delay() == null ? null : micros(job.delay());
      reasons[k] = job.reason();
    }
    Map<JobId, JobState> created = new HashMap<>();
    try (PreparedStatement ps = tx.prepare(CREATE)) {
      ps.setArray(1, tx.c.createArrayOf("uuid", ids));
      ps.setArray(2, tx.c.createArrayOf("text", types));
      ps.setArray(3, tx.c.createArrayOf("text", queues));
      ps.setArray(4, tx.c.createArrayOf("text", args));
      ps.setArray(5, tx.c.createArrayOf("text", meta));
      ps.setArray(6, tx.c.createArrayOf("int4", maxAttempts));
      ps.setArray(7, tx.c.createArrayOf("text", concurrency));
      ps.setArray(8, tx.c.createArrayOf("text", runAt));
      ps.setArray(9, tx.c.createArrayOf("int8", delay));
      ps.setArray(10, tx.c.createArrayOf("text", reasons));
      ps.setBoolean(11, handOver);
      ps.setString(12, payloadPrefix);
      ps.setString(13, PgNotifications.JOBS_CHANNEL);
      ps.setString(14, payloadPrefix);
      ps.setString(15, PgNotifications.HANDED_OVER_CHANNEL);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          created.put(Sql.jobId(rs, "id"), JobState.valueOf(rs.getString("state")));
        }
      }
    }
    return created;
  }

  /**
   * {@code create} inside a transaction that is already open (the application's, or a recurring
   * job's firing): this statement for the jobs it applies to, the general path for the rest.
   */
  static List<CreateResult> createIn(
      Tx tx, List<NewJob> jobs, String payloadPrefix, boolean handOver) throws SQLException {
    if (payloadPrefix == null || !applies(jobs)) {
      return CreateOp.create(tx, jobs);
    }
    Map<JobId, JobState> created = create(tx, jobs, payloadPrefix, handOver);
    List<NewJob> rest = rest(jobs, created);
    return merge(jobs, created, rest.isEmpty() ? List.of() : CreateOp.create(tx, rest));
  }

  /** The jobs of the batch that {@link #create} did not create, in order. */
  static List<NewJob> rest(List<NewJob> jobs, Map<JobId, JobState> created) {
    return jobs.stream().filter(j -> !created.containsKey(j.spec().id())).toList();
  }

  /**
   * The results of a batch whose jobs in {@code created} were created by {@link #create}; the
   * others ({@code rest}, in order) were created or found by the general path.
   */
  static List<CreateResult> merge(
      List<NewJob> jobs, Map<JobId, JobState> created, List<CreateResult> rest) {
    List<CreateResult> results = new ArrayList<>(jobs.size());
    int next = 0;
    for (NewJob job : jobs) {
      JobId id = job.spec().id();
      JobState state = created.get(id);
      results.add(state != null ? CreateResult.created(id, state) : rest.get(next++));
    }
    return results;
  }

  private static long micros(Duration d) {
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
  }
}
