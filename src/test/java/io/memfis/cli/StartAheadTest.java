package io.memfis.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

/** A renamed class would silently leave the start-ahead thread with nothing to do. */
class StartAheadTest {

    @Test
    void everyClassNamedExists() {
        for (String name : StartAhead.CLASSES) {
            assertDoesNotThrow(() -> Class.forName(name, false, StartAheadTest.class.getClassLoader()), name);
        }
    }
}
