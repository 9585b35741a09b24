package dev.baton.job;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record component of a job's arguments that stored jobs may lack: it reads as {@code null}
 * (0 or false for a primitive) when missing. Every other component is required, so a job whose
 * arguments miss it fails with a reason that names it instead of running with a silent {@code
 * null}. Mark a component you add while jobs written without it may still be queued (a rolling
 * deploy), e.g. {@code record Resize(String image, @OptionalArg Integer quality) {}}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface OptionalArg {}
