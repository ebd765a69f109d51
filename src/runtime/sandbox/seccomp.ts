// The seccomp filter bwrap installs (`--seccomp FD`) just before it execs the guest: a
// classic-BPF deny-list in the spirit of Docker's default profile and Flatpak's. The
// user namespace already strips host privileges; this takes away the kernel surface an
// unprivileged process still reaches (nested namespaces, mount APIs, keyrings, BPF,
// perf, io_uring, ptrace, module and clock syscalls), the usual entry points of
// container-escape exploits. Everything not listed is allowed.
//   - any architecture but the host's (i386 on x86_64, arm32 on aarch64): killed
//   - the x32 ABI on x86_64 (nr | 0x40000000): killed
//   - clone3: ENOSYS (its flags are behind a pointer a filter cannot read; libc falls back to clone)
//   - clone with a CLONE_NEW* flag, personality other than Linux's standard ones: EPERM
//   - the DENIED syscalls: EPERM
// The program is `struct sock_filter { u16 code; u8 jt; u8 jf; u32 k }[]`, little-endian.

/** Syscall numbers per architecture (x86_64 from asm/unistd_64.h, aarch64 from asm-generic/unistd.h). */
interface Syscall {
  readonly name: string;
  readonly x64: number | undefined;
  readonly a64: number | undefined;
}

const sys = (name: string, x64: number | undefined, a64: number | undefined): Syscall => ({ name, x64, a64 });

/** Refused with EPERM, whatever the arguments. */
export const DENIED: readonly Syscall[] = [
  // Mounts and filesystem views.
  sys('mount', 165, 40), sys('umount2', 166, 39), sys('pivot_root', 155, 41), sys('chroot', 161, 51),
  sys('move_mount', 429, 429), sys('fsopen', 430, 430), sys('fsmount', 432, 432), sys('fspick', 433, 433),
  sys('open_tree', 428, 428), sys('mount_setattr', 442, 442),
  // New namespaces (clone's flags are checked separately).
  sys('unshare', 272, 97), sys('setns', 308, 268),
  // The machine itself.
  sys('swapon', 167, 224), sys('swapoff', 168, 225), sys('reboot', 169, 142),
  sys('kexec_load', 246, 104), sys('kexec_file_load', 320, 294),
  sys('init_module', 175, 105), sys('finit_module', 313, 273), sys('delete_module', 176, 106),
  sys('acct', 163, 89), sys('quotactl', 179, 60), sys('quotactl_fd', 443, 443), sys('lookup_dcookie', 212, 18),
  sys('syslog', 103, 116), sys('vhangup', 153, 58), sys('nfsservctl', 180, 42),
  sys('iopl', 172, undefined), sys('ioperm', 173, undefined),
  sys('create_module', 174, undefined), sys('get_kernel_syms', 177, undefined), sys('query_module', 178, undefined),
  sys('uselib', 134, undefined), sys('ustat', 136, undefined), sys('sysfs', 139, undefined), sys('_sysctl', 156, undefined),
  // Clocks.
  sys('settimeofday', 164, 170), sys('clock_settime', 227, 112), sys('adjtimex', 159, 171), sys('clock_adjtime', 305, 266),
  // Kernel attack surface reachable without privileges.
  sys('bpf', 321, 280), sys('perf_event_open', 298, 241), sys('userfaultfd', 323, 282),
  sys('keyctl', 250, 219), sys('add_key', 248, 217), sys('request_key', 249, 218),
  sys('io_uring_setup', 425, 425), sys('io_uring_enter', 426, 426), sys('io_uring_register', 427, 427),
  sys('fanotify_init', 300, 262),
  // Other processes' memory and file handles.
  sys('ptrace', 101, 117), sys('process_vm_readv', 310, 270), sys('process_vm_writev', 311, 271), sys('kcmp', 312, 272),
  sys('open_by_handle_at', 304, 265), sys('name_to_handle_at', 303, 264),
];

const CLONE = sys('clone', 56, 220);
const CLONE3 = sys('clone3', 435, 435);
const PERSONALITY = sys('personality', 135, 92);

/** CLONE_NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER | NEWPID | NEWNET (and CLONE_NEWTIME's 0x80 is not a clone flag). */
export const CLONE_NAMESPACE_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;
/** PER_LINUX, PER_LINUX32, UNAME26 variants and the 0xffffffff query Docker allows. */
const ALLOWED_PERSONALITIES = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

const AUDIT_ARCH = { x64: 0xc000003e, arm64: 0xc00000b7 } as const;
const X32_SYSCALL_BIT = 0x40000000;
const EPERM = 1;
const ENOSYS = 38;

// BPF opcodes (linux/filter.h, linux/bpf_common.h).
const LD_W_ABS = 0x00 | 0x00 | 0x20; // BPF_LD | BPF_W | BPF_ABS
const JEQ_K = 0x05 | 0x10 | 0x00; // BPF_JMP | BPF_JEQ | BPF_K
const JSET_K = 0x05 | 0x40 | 0x00; // BPF_JMP | BPF_JSET | BPF_K
const RET_K = 0x06 | 0x00; // BPF_RET | BPF_K

const RET_KILL_PROCESS = 0x80000000;
const RET_ERRNO = 0x00050000;
const RET_ALLOW = 0x7fff0000;

// struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6]. Both arches are
// little-endian, so an argument's low 32 bits are at its offset.
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
const OFFSET_ARG0 = 16;

interface Insn {
  readonly code: number;
  readonly jt: number;
  readonly jf: number;
  readonly k: number;
}

const insn = (code: number, k: number, jt = 0, jf = 0): Insn => ({ code, jt, jf, k });
const load = (offset: number): Insn => insn(LD_W_ABS, offset);
const ret = (action: number): Insn => insn(RET_K, action >>> 0);

export type SeccompArch = 'x64' | 'arm64';

export function seccompSupported(arch: string = process.arch): arch is SeccompArch {
  return arch === 'x64' || arch === 'arm64';
}

/** The instructions, before encoding (exported for tests that walk the program). */
export function seccompInstructions(arch: SeccompArch): Insn[] {
  const nr = (s: Syscall): number | undefined => (arch === 'x64' ? s.x64 : s.a64);
  const out: Insn[] = [
    load(OFFSET_ARCH),
    insn(JEQ_K, AUDIT_ARCH[arch], 1, 0),
    ret(RET_KILL_PROCESS),
    load(OFFSET_NR),
  ];
  if (arch === 'x64') out.push(insn(JSET_K, X32_SYSCALL_BIT, 0, 1), ret(RET_KILL_PROCESS));
  const refuse = (n: number | undefined, action: number): void => {
    if (n !== undefined) out.push(insn(JEQ_K, n, 0, 1), ret(action));
  };
  for (const s of DENIED) refuse(nr(s), RET_ERRNO | EPERM);
  refuse(nr(CLONE3), RET_ERRNO | ENOSYS);
  // personality(p): allowed only for the standard personas; the accumulator still holds nr.
  const allowed = ALLOWED_PERSONALITIES;
  out.push(insn(JEQ_K, nr(PERSONALITY) ?? 0, 0, allowed.length + 2), load(OFFSET_ARG0));
  allowed.forEach((p, i) => out.push(insn(JEQ_K, p >>> 0, allowed.length - i, 0)));
  out.push(ret(RET_ERRNO | EPERM));
  // The personality block ends here on both paths: allowed jumps to the nr reload below.
  out.push(load(OFFSET_NR));
  // clone(flags, …): no new namespaces.
  out.push(insn(JEQ_K, nr(CLONE) ?? 0, 0, 3), load(OFFSET_ARG0), insn(JSET_K, CLONE_NAMESPACE_FLAGS, 0, 1), ret(RET_ERRNO | EPERM));
  out.push(ret(RET_ALLOW));
  return out;
}

/** The compiled filter for bwrap's --seccomp, or undefined on an architecture the table lacks. */
export function seccompProgram(arch: string = process.arch): Buffer | undefined {
  if (!seccompSupported(arch)) return undefined;
  const program = seccompInstructions(arch);
  const buf = Buffer.alloc(program.length * 8);
  program.forEach((ins, i) => {
    buf.writeUInt16LE(ins.code, i * 8);
    buf.writeUInt8(ins.jt, i * 8 + 2);
    buf.writeUInt8(ins.jf, i * 8 + 3);
    buf.writeUInt32LE(ins.k >>> 0, i * 8 + 4);
  });
  return buf;
}
