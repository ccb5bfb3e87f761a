package io.memfis.testing;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * JUnit tag "mount": the test class mounts a filesystem with FUSE (it needs /dev/fuse and
 * fusermount) or runs {@code memfis mount}. The fast tests are those
 * without the mount, nginx and bench tags: {@code mvn -B test -DexcludedGroups=mount,nginx,bench}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("mount")
public @interface MountTag {
}
