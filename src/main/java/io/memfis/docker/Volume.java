package io.memfis.docker;

import java.util.Map;
import java.util.Set;

/**
 * A volume the plugin was asked to create: its name in Docker, the options given at
 * creation ({@code servers}, {@code namespace}, ...) and the containers that use it now
 * (the IDs of the Mount requests not yet unmounted).
 */
public record Volume(String name, Map<String, String> options, Set<String> users) {

    public Volume {
        options = Map.copyOf(options);
        users = Set.copyOf(users);
    }

    Volume withUsers(Set<String> newUsers) {
        return new Volume(name, options, newUsers);
    }
}
