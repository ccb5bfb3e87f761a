/**
 * Docker's volume plugin: its protocol (JSON over HTTP/1.1 POST on a unix socket, served by a
 * small HTTP server of its own, as Java 17 has none for unix sockets), the volumes it was
 * asked to create and the containers using each. A volume is a namespace on given servers;
 * mounting it is left to a {@link io.memfis.docker.Mounts} the command line provides, so
 * this package knows neither FUSE nor memcached.
 */
package io.memfis.docker;
