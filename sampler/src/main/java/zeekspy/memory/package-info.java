/**
 * Access to a live process: memory reads ({@link zeekspy.memory.ProcessMemory},
 * {@link zeekspy.memory.ProcessVmMemory}, {@link zeekspy.memory.FakeMemory}), short ptrace
 * pauses ({@link zeekspy.memory.PtraceSession}), /proc ({@link zeekspy.memory.ProcFs}) and
 * children that may be traced ({@link zeekspy.memory.SpawnedProcess}).
 *
 * <p>Facts of Linux this package relies on, each checked by a test:
 * <ul>
 *   <li>process_vm_readv needs PTRACE_MODE_ATTACH_REALCREDS permission, not to be the tracer:
 *       any thread may read, traced or not. It copies page by page and stops at the first page
 *       it cannot read, also inside one iovec.
 *   <li>Only the tracer thread may issue ptrace requests for its tracee; TracerPid in
 *       /proc/PID/status is that thread's id, not the process id.
 *   <li>PTRACE_INTERRUPT on a tracee that is already stopped queues one more trap for after
 *       the resume; any trap (a signal-delivery-stop too) satisfies a pending interrupt.
 *   <li>When the tracer dies, even by SIGKILL, the kernel detaches: the tracee runs on, a
 *       signal held in a signal-delivery-stop is delivered, a job-control stop stays.
 *   <li>waitid(WNOWAIT) from any thread of the tracer's process reports the tracee's stops
 *       without consuming them; after a detach it is not woken any more.
 *   <li>waitpid(pid) from any thread of the tracer's process reports the ptrace stops of a
 *       tracee that is a child of that process. The JDK's reaper does that for
 *       {@link java.lang.ProcessBuilder} children, so those cannot be traced reliably.
 * </ul>
 */
package zeekspy.memory;
