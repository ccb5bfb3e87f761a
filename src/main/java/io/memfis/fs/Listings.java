package io.memfis.fs;

import io.memfis.layout.Keys;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The entry names of directories, kept in pages so that adding a name rewrites one small
 * page, never the whole listing: a directory of 100,000 entries costs the same per create
 * as an empty one. Names go to the last page until it is full ({@code pageBytes} of JSON),
 * then a new page starts; the directory's record counts the pages and each child's record
 * remembers its page, so that a removal touches one page too. Pages emptied by removals
 * stay (a readdir fetches them all in one request anyway).
 */
final class Listings {

    /** The most pages whose last known value this mount keeps to save a read before each CAS. */
    private static final int MAX_CACHED_PAGES = 2048;

    private final Kv kv;
    private final Keys keys;
    private final int pageBytes;
    private final Map<String, Versioned<List<String>>> lastSeen = new ConcurrentHashMap<>();

    Listings(Kv kv, Keys keys, int pageBytes) {
        this.kv = kv;
        this.keys = keys;
        this.pageBytes = pageBytes;
    }

    /** The first page of a new directory; false when something already stands there. */
    boolean createFirstPage(String dir) {
        return kv.add(keys.dirPage(dir, 0), List.of(), Codec.NAMES).isPresent();
    }

    /**
     * Adds {@code name} to the listing of {@code dir}, which has {@code pages} pages.
     *
     * @return the page that holds the name; the caller records {@code max(pages, page + 1)}
     */
    int add(String dir, int pages, String name) {
        int page = Math.max(0, pages - 1);
        while (true) {
            boolean[] full = {false};
            int pageNumber = page;
            String key = keys.dirPage(dir, page);
            Versioned<List<String>> stored = kv.modify(key, Codec.NAMES, lastSeen.get(key), names -> {
                if (names == null && pageNumber < pages) {
                    throw new FsException(Errno.EIO, "listing page " + key + " is missing (evicted, or memcached restarted)");
                }
                List<String> current = names == null ? List.of() : names;
                if (current.contains(name)) {
                    return names;
                }
                List<String> grown = new ArrayList<>(current.size() + 1);
                grown.addAll(current);
                grown.add(name);
                if (!current.isEmpty() && encodedSize(grown) > pageBytes) {
                    full[0] = true;
                    return names;
                }
                return grown;
            });
            if (!full[0]) {
                remember(key, stored);
                return page;
            }
            page++;
        }
    }

    /**
     * Removes {@code name}, looking first on page {@code hint}, then on every page. The
     * hint comes from the name's own record, read afresh, and may point past {@code pages},
     * the page count of a directory record this mount cached before another added a page.
     */
    void remove(String dir, int pages, String name, int hint) {
        if (hint >= 0 && removeFrom(dir, hint, name)) {
            return;
        }
        for (int page = 0; page < Math.max(pages, hint + 1); page++) {
            if (page != hint && removeFrom(dir, page, name)) {
                return;
            }
        }
    }

    private boolean removeFrom(String dir, int page, String name) {
        String key = keys.dirPage(dir, page);
        boolean[] removed = {false};
        Versioned<List<String>> stored = kv.modify(key, Codec.NAMES, lastSeen.get(key), names -> {
            if (names == null || !names.contains(name)) {
                return names;
            }
            List<String> shrunk = new ArrayList<>(names);
            shrunk.remove(name);
            removed[0] = true;
            return shrunk;
        });
        if (stored != null) {
            remember(key, stored);
        }
        return removed[0];
    }

    /**
     * Every name of {@code dir}, in page order, all pages requested together.
     *
     * @throws FsException EIO when a page is missing (evicted, or memcached restarted)
     */
    List<String> list(String dir, int pages) {
        List<String> pageKeys = pageKeys(dir, pages);
        Map<String, Versioned<List<String>>> found = kv.getAll(pageKeys, Codec.NAMES);
        List<String> names = new ArrayList<>();
        for (String key : pageKeys) {
            Versioned<List<String>> page = found.get(key);
            if (page == null) {
                throw new FsException(Errno.EIO, "listing page " + key + " is missing (evicted, or memcached restarted)");
            }
            names.addAll(page.value());
        }
        return names;
    }

    /** The pages of a directory as stored, in order, to copy them under a new name. */
    List<byte[]> readPages(String dir, int pages) {
        List<String> pageKeys = pageKeys(dir, pages);
        Map<String, Versioned<byte[]>> found = kv.getAll(pageKeys, Codec.BYTES);
        List<byte[]> out = new ArrayList<>(pages);
        for (String key : pageKeys) {
            Versioned<byte[]> page = found.get(key);
            if (page == null) {
                throw new FsException(Errno.EIO, "listing page " + key + " is missing (evicted, or memcached restarted)");
            }
            out.add(page.value());
        }
        return out;
    }

    /** Writes pages read by {@link #readPages} under another directory's keys. */
    void writePages(String dir, List<byte[]> pages) {
        Map<String, byte[]> byKey = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pages.size(); i++) {
            byKey.put(keys.dirPage(dir, i), pages.get(i));
        }
        byKey.keySet().forEach(lastSeen::remove);
        kv.setAll(byKey);
    }

    void deletePages(String dir, int pages) {
        List<String> pageKeys = pageKeys(dir, Math.max(1, pages));
        pageKeys.forEach(lastSeen::remove);
        kv.deleteAll(pageKeys);
    }

    private List<String> pageKeys(String dir, int pages) {
        List<String> out = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            out.add(keys.dirPage(dir, i));
        }
        return out;
    }

    private void remember(String key, Versioned<List<String>> page) {
        if (lastSeen.size() > MAX_CACHED_PAGES) {
            lastSeen.clear();
        }
        lastSeen.put(key, page);
    }

    /** The size of the page's JSON, close enough: quotes, comma and the UTF-8 bytes of each name. */
    private static int encodedSize(List<String> names) {
        int size = 2;
        for (String n : names) {
            size += n.length() + 3;
            for (int i = 0; i < n.length(); i++) {
                char c = n.charAt(i);
                if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                    size += 5;
                }
            }
        }
        return size;
    }
}
