package dev.baton.storage.jdbc;

import dev.baton.job.JobId;
import dev.baton.state.JobState;
import dev.baton.storage.JobCursor;
import dev.baton.storage.JobPage;
import dev.baton.storage.JobRecord;
import dev.baton.storage.JobSearch;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link dev.baton.storage.JobMonitor#searchJobs}: a keyset page over (state_at DESC, id DESC) that
 * reads at most the search's scan budget, in one statement (one snapshot).
 *
 * <p>Cost on PostgreSQL: for PROCESSING, SUCCEEDED, FAILED and DELETED the candidates are read in
 * order from {@code baton_jobs_state (state, state_at, id)}, the cursor being an index condition,
 * so a page costs at most its scan budget however many jobs are stored (a page of 50 without
 * filters reads 51 rows). ENQUEUED, SCHEDULED, BLOCKED and AWAITING have no such index on purpose
 * (schema version 3: it would tempt the claim's planner, and it would cost every enqueue): a page
 * reads the (state_at, id) of every job in that state through the state's own index, keeps the
 * newest budget of them (a top-N sort of narrow rows), and only then reads the page's rows in full.
 * That costs the length of the queue (60 ms for 20,000 queued jobs on a busy two-core machine).
 * With no state the search merges one branch per state in order (a Merge Append), so it costs the
 * budget plus that. A text search that matches little reads the whole budget (5,000 rows: about 100
 * ms); the page then says where to go on.
 */
final class SearchOp {
  /**
   * One state's candidates: a state name from {@link JobState} (never input) is spelled out so
   * PostgreSQL can prove the partial index's predicate, even in a generic plan.
   */
  private static final String BRANCH =
      """
      SELECT %s FROM baton_jobs WHERE state = '%s'%s
      ORDER BY state_at DESC, id DESC LIMIT ?""";

  /**
   * The same for a state without an index in state-time order (PostgreSQL's ENQUEUED, SCHEDULED,
   * BLOCKED, AWAITING): only the keys are sorted, then the chosen candidates are read by primary
   * key, one by one as the page needs them (LATERAL, kept a subquery by OFFSET 0, so a nested loop
   * that keeps the keys' order: a hash join would read the whole table). The id and state time are
   * the keys' own, so PostgreSQL knows the rows come out in order and nothing above sorts again.
   */
  private static final String KEYED_BRANCH =
      """
      SELECT %s FROM (
        SELECT id AS key_id, state_at AS key_at FROM baton_jobs WHERE state = '%s'%s
        ORDER BY state_at DESC, id DESC LIMIT ?) k
      CROSS JOIN LATERAL (SELECT * FROM baton_jobs r WHERE r.id = k.key_id OFFSET 0) j
      ORDER BY k.key_at DESC, k.key_id DESC""";

  /** The states PostgreSQL reads in state-time order from baton_jobs_state (H2: all). */
  private static final Set<JobState> PG_STATE_INDEX =
      EnumSet.of(JobState.PROCESSING, JobState.SUCCEEDED, JobState.FAILED, JobState.DELETED);

  /** {@link JobRow#COLUMNS} of a keyed branch: the keys' id and state time, the rest from j. */
  private static final String KEYED_COLUMNS =
      Arrays.stream(JobRow.COLUMNS.split(","))
          .map(String::strip)
          .map(
              c ->
                  switch (c) {
                    case "id" -> "k.key_id AS id";
                    case "state_at" -> "k.key_at AS state_at";
                    default -> "j." + c;
                  })
          .collect(Collectors.joining(", "));

  /** The keyset condition: strictly after the cursor in newest-first order. */
  private static final String AFTER_CURSOR = " AND (state_at, id) < (?, ?)";

  /** Every state's candidates, merged newest first (PostgreSQL: a Merge Append of the branches). */
  private static final String ALL_BRANCHES =
      """
      SELECT * FROM (%s) every_state ORDER BY state_at DESC, id DESC LIMIT ?""";

  // The scan budget is the candidates' LIMIT, so the filters never see more rows than the budget.
  // Each candidate is numbered and flagged (matched, last_read) by one window pass in the index's
  // order; the statement returns the matches and the last candidate read, in that order, so the
  // page needs no sort and PostgreSQL stops reading at the limit-th match: an unfiltered page of
  // 50 reads 50 candidates, not the budget. Only a short page reads to the end of its budget,
  // where last_read says how far it got (LEAD looks one candidate ahead). Both CTEs are used once,
  // so they are inlined and keep that order.
  private static final String PAGE =
      """
      WITH candidates AS (%s),
      numbered AS (
        SELECT c.*,
          ROW_NUMBER() OVER (ORDER BY c.state_at DESC, c.id DESC) AS pos,
          LEAD(c.id) OVER (ORDER BY c.state_at DESC, c.id DESC) IS NULL AS last_read,
          (CAST(? AS VARCHAR(50)) IS NULL OR c.queue = ?)
            AND (CAST(? AS VARCHAR(100)) IS NULL OR c.type = ?)
            AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR c.state_at >= ?)
            AND (CAST(? AS TIMESTAMP WITH TIME ZONE) IS NULL OR c.state_at < ?)
            AND (CAST(? AS VARCHAR(1000)) IS NULL OR c.id = ?
              OR LOWER(c.args_json) LIKE ? ESCAPE '\\') AS matched
        FROM candidates c)
      SELECT * FROM numbered WHERE matched OR last_read
      ORDER BY state_at DESC, id DESC LIMIT ?
      """;

  private static final Statements POSTGRES = new Statements(PG_STATE_INDEX);
  private static final Statements H2 = new Statements(EnumSet.allOf(JobState.class));

  private SearchOp() {}

  /** The statements of one dialect: per state, and for every state, with and without a cursor. */
  private record Statements(
      Map<JobState, String> oneState,
      Map<JobState, String> oneStateAfter,
      String everyState,
      String everyStateAfter) {
    Statements(Set<JobState> inStateIndex) {
      this(
          oneState(inStateIndex, false),
          oneState(inStateIndex, true),
          everyState(inStateIndex, false),
          everyState(inStateIndex, true));
    }

    private static String branch(Set<JobState> inStateIndex, JobState state, boolean after) {
      String cursor = after ? AFTER_CURSOR : "";
      return inStateIndex.contains(state)
          ? BRANCH.formatted(JobRow.COLUMNS, state.name(), cursor)
          : KEYED_BRANCH.formatted(KEYED_COLUMNS, state.name(), cursor);
    }

    private static Map<JobState, String> oneState(Set<JobState> inStateIndex, boolean after) {
      Map<JobState, String> out = new EnumMap<>(JobState.class);
      for (JobState s : JobState.values()) {
        out.put(s, PAGE.formatted(branch(inStateIndex, s, after)));
      }
      return out;
    }

    private static String everyState(Set<JobState> inStateIndex, boolean after) {
      String union =
          Arrays.stream(JobState.values())
              .map(s -> "(" + branch(inStateIndex, s, after) + ")")
              .collect(Collectors.joining("\nUNION ALL\n"));
      return PAGE.formatted(ALL_BRANCHES.formatted(union));
    }

    String of(JobSearch q) {
      boolean after = q.after() != null;
      if (q.state() == null) {
        return after ? everyStateAfter : everyState;
      }
      return (after ? oneStateAfter : oneState).get(q.state());
    }
  }

  static JobPage search(Tx tx, JobSearch q) throws SQLException {
    List<JobRecord> items = new ArrayList<>();
    int read = 0;
    int lastMatch = 0;
    JobCursor lastCandidate = null;
    try (PreparedStatement ps = tx.prepare(sql(tx.dialect, q))) {
      Sql.bind(ps, params(q).toArray());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          int pos = rs.getInt("pos");
          if (rs.getBoolean("matched")) {
            lastMatch = pos;
            items.add(JobOps.record(tx, JobRow.read(rs), List.of(), List.of()));
          }
          if (rs.getBoolean("last_read")) {
            read = pos;
            lastCandidate = new JobCursor(Sql.instant(rs, "state_at"), Sql.jobId(rs, "id"));
          }
        }
      }
    }
    if (items.size() == q.limit()) {
      // Full: the next page starts after the last match; candidates past it were not read.
      return new JobPage(items, JobCursor.after(items.get(items.size() - 1)), lastMatch);
    }
    if (read == q.scanLimit()) {
      // The budget ran out first: go on after the last candidate read, matched or not.
      return new JobPage(items, lastCandidate, read);
    }
    return new JobPage(items, null, read);
  }

  /** The id to match exactly when the text is one, else null. */
  private static JobId idIn(String text) {
    if (text == null) {
      return null;
    }
    try {
      return JobId.parse(text);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The lower-cased text as a LIKE pattern that matches itself only ({@code \} escapes). */
  static String escapeLike(String text) {
    return text.toLowerCase(Locale.ROOT)
        .replace("\\", "\\\\")
        .replace("%", "\\%")
        .replace("_", "\\_");
  }

  /** The statement {@code q} sends on {@code dialect}. */
  static String sql(Dialect dialect, JobSearch q) {
    return (dialect == Dialect.POSTGRES ? POSTGRES : H2).of(q);
  }

  /**
   * The parameters of {@link #sql}, in order: the branches' cursor and budget, then the filters.
   */
  static List<Object> params(JobSearch q) {
    List<Object> params = new ArrayList<>();
    int branches = q.state() == null ? JobState.values().length : 1;
    for (int i = 0; i < branches; i++) {
      if (q.after() != null) {
        params.add(q.after().stateAt());
        params.add(q.after().id());
      }
      params.add(q.scanLimit());
    }
    if (q.state() == null) {
      params.add(q.scanLimit());
    }
    params.addAll(Arrays.asList(q.queue(), q.queue(), q.type(), q.type()));
    params.addAll(Arrays.asList(q.from(), q.from(), q.to(), q.to()));
    String pattern = q.text() == null ? null : "%" + escapeLike(q.text()) + "%";
    params.addAll(Arrays.asList(q.text(), idIn(q.text()), pattern, q.limit()));
    return params;
  }
}
