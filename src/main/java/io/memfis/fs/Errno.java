package io.memfis.fs;

/** The Linux error numbers the filesystem answers with; the one place they are defined. */
public enum Errno {
    EPERM(1),
    ENOENT(2),
    EIO(5),
    E2BIG(7),
    EBADF(9),
    EBUSY(16),
    EACCES(13),
    EEXIST(17),
    EXDEV(18),
    ENOTDIR(20),
    EISDIR(21),
    EINVAL(22),
    EFBIG(27),
    ENOSPC(28),
    EROFS(30),
    EMLINK(31),
    ERANGE(34),
    ENAMETOOLONG(36),
    ENOTEMPTY(39),
    ELOOP(40),
    ENODATA(61),
    EILSEQ(84),
    ENOTSUP(95);

    private final int number;

    Errno(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }
}
