package io.memfis.fs;

import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs every test of a class once per {@link FsStore}: the class takes the store in its
 * constructor and builds its {@link FsFixture} (or its store) from it. The memcached
 * servers are started once for the whole run and emptied after each test.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ParameterizedClass(name = "{0}")
@EnumSource(FsStore.class)
@ExtendWith(SharedMemcached.class)
@interface EveryStore {
}
