package io.memfis.tools;

import io.memfis.layout.Attributes;
import io.memfis.layout.CorruptValueException;
import io.memfis.layout.Json;
import io.memfis.layout.Keys;
import io.memfis.layout.NodeRecord;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The nodes of files with several names: each must exist, and name exactly the paths whose
 * records refer to it, with as many links. A crash in the middle of {@code link} or
 * {@code unlink} leaves a node that counts a name no listing has, or misses one.
 */
final class HardLinkCheck {

    private static final int BATCH = 1000;

    private final Items items;
    private final Keys keys;
    private final Report report;
    private final KeySpace space;
    private final Repairs repairs;

    HardLinkCheck(Items items, Keys keys, Report report, KeySpace space, Repairs repairs) {
        this.items = items;
        this.keys = keys;
        this.report = report;
        this.space = space;
        this.repairs = repairs;
    }

    /** Checks the node of each inode in {@code links}: the files they hold. */
    List<FileInode> check(Map<Long, List<LayoutWalk.Link>> links) {
        List<FileInode> files = new ArrayList<>();
        List<Long> inos = new ArrayList<>(links.keySet());
        for (int from = 0; from < inos.size(); from += BATCH) {
            List<Long> batch = inos.subList(from, Math.min(inos.size(), from + BATCH));
            Map<String, byte[]> nodes = items.getAll(batch.stream().map(keys::node).toList());
            Map<String, String> xattrKeys = new LinkedHashMap<>();
            Map<String, Long> inoOfSubject = new LinkedHashMap<>();
            for (long ino : batch) {
                report.entry();
                List<LayoutWalk.Link> names = links.get(ino);
                NodeRecord node = decode(ino, nodes.get(keys.node(ino)), names);
                if (node == null) {
                    continue;
                }
                space.expect(keys.node(ino));
                List<String> paths = names.stream().map(LayoutWalk.Link::path).toList();
                checkNames(ino, node, paths);
                if (node.attributes().xattrs()) {
                    xattrKeys.put(paths.get(0), keys.nodeXattrs(ino));
                    inoOfSubject.put(paths.get(0), ino);
                }
                files.add(FileInode.linked(node.attributes(), paths));
            }
            repairs.checkXattrs(xattrKeys, subject -> repairs.editNode(inoOfSubject.get(subject),
                    n -> new NodeRecord(n.attributes().withXattrs(false, n.attributes().ctime()), n.paths())));
        }
        return files;
    }

    /** The node, or null when it is missing or not valid: then every name that refers to it leads nowhere. */
    private NodeRecord decode(long ino, byte[] raw, List<LayoutWalk.Link> names) {
        String why = null;
        NodeRecord node = null;
        if (raw == null) {
            why = "refers to inode " + ino + ", whose node is missing (evicted?)";
        } else {
            try {
                node = Json.decodeNodeRecord(raw);
                if (node.attributes().ino() != ino || node.attributes().isDirectory()) {
                    why = "refers to inode " + ino + ", whose node is not valid: it holds inode "
                            + node.attributes().ino() + " of type " + node.attributes().type().json();
                }
            } catch (CorruptValueException e) {
                why = "refers to inode " + ino + ", whose node is not valid: " + Report.reason(e);
            }
        }
        if (why == null) {
            return node;
        }
        for (LayoutWalk.Link l : names) {
            repairs.dangling(l.path(), l.page(), why);
        }
        if (raw != null) {
            space.expect(keys.node(ino));
            report.problem("inode " + ino, "its node is not valid", "deleted it", () -> items.delete(keys.node(ino)));
        }
        return null;
    }

    private void checkNames(long ino, NodeRecord node, List<String> paths) {
        Attributes a = node.attributes();
        if (a.nlink() == paths.size() && new HashSet<>(node.paths()).equals(new HashSet<>(paths))
                && node.paths().size() == paths.size()) {
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String p : node.paths()) {
            if (paths.contains(p) && !kept.contains(p)) {
                kept.add(p);
            }
        }
        for (String p : paths) {
            if (!kept.contains(p)) {
                kept.add(p);
            }
        }
        int n = kept.size();
        report.problem(paths.get(0), "inode " + ino + " has link count " + a.nlink() + " and the names "
                        + node.paths() + ", but " + n + " names refer to it: " + paths,
                "set its names and link count to those " + n,
                () -> repairs.editNode(ino, x -> new NodeRecord(x.attributes().withNlink(n, x.attributes().ctime()), kept)));
    }
}
