package io.memfis.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * JUnit tag "bench": the test class measures performance: benchmarks and their smoke test. The fast tests are those
 * without the mount, nginx and bench tags: {@code mvn -B test -DexcludedGroups=mount,nginx,bench}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("bench")
public @interface BenchTag {
}
