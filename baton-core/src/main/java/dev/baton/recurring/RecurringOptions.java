package dev.baton.recurring;

import dev.baton.job.JobOptions;
import java.time.ZoneId;
import java.util.Objects;

/**
 * How a recurring job is scheduled and how its occurrences run: time zone, misfire and overlap
 * policies, and job options laid over the job type's own.
 *
 * <pre>{@code
 * RecurringOptions.builder().zone(ZoneId.of("Europe/Paris")).overlap(OverlapPolicy.QUEUE).build()
 * }</pre>
 */
public final class RecurringOptions {
  public static final ZoneId DEFAULT_ZONE = ZoneId.of("UTC");
  public static final MisfirePolicy DEFAULT_MISFIRE = MisfirePolicy.FIRE_ONCE;
  public static final OverlapPolicy DEFAULT_OVERLAP = OverlapPolicy.SKIP;

  /** UTC, fire once after a misfire, skip while the previous run is active. */
  public static final RecurringOptions DEFAULTS = builder().build();

  private final ZoneId zone;
  private final MisfirePolicy misfire;
  private final OverlapPolicy overlap;
  private final JobOptions jobOptions;

  private RecurringOptions(Builder b) {
    this.zone = b.zone;
    this.misfire = b.misfire;
    this.overlap = b.overlap;
    this.jobOptions = b.jobOptions;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ZoneId zone() {
    return zone;
  }

  public MisfirePolicy misfire() {
    return misfire;
  }

  public OverlapPolicy overlap() {
    return overlap;
  }

  public JobOptions jobOptions() {
    return jobOptions;
  }

  /** Builds {@link RecurringOptions}; every field has the default named above. */
  public static final class Builder {
    private ZoneId zone = DEFAULT_ZONE;
    private MisfirePolicy misfire = DEFAULT_MISFIRE;
    private OverlapPolicy overlap = DEFAULT_OVERLAP;
    private JobOptions jobOptions = JobOptions.NONE;

    private Builder() {}

    public Builder zone(ZoneId zone) {
      this.zone = Objects.requireNonNull(zone, "zone");
      return this;
    }

    public Builder misfire(MisfirePolicy misfire) {
      this.misfire = Objects.requireNonNull(misfire, "misfire");
      return this;
    }

    public Builder overlap(OverlapPolicy overlap) {
      this.overlap = Objects.requireNonNull(overlap, "overlap");
      return this;
    }

    /** Options for each occurrence's job, laid over the job type's defaults. */
    public Builder jobOptions(JobOptions jobOptions) {
      this.jobOptions = Objects.requireNonNull(jobOptions, "jobOptions");
      return this;
    }

    public RecurringOptions build() {
      return new RecurringOptions(this);
    }
  }
}
