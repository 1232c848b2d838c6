package zeekspy.memory;

/**
 * The process went away (exited or became a zombie) while zeek-spy was reading it. Thrown by
 * {@link ProcessVmMemory} for ESRCH only; a bad address is never an exception.
 */
public final class ProcessGoneException extends ProcessAccessException {
    private static final long serialVersionUID = 1L;

    /** For {@code pid}, which /proc tells to be a zombie or gone. */
    public ProcessGoneException(int pid) {
        this(pid, ProcFs.isZombie(pid));
    }

    public ProcessGoneException(int pid, boolean zombie) {
        super(zombie ? Reason.ZOMBIE : Reason.NO_SUCH_PROCESS, pid, "process " + pid + " has exited");
    }
}
