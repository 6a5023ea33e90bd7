package testenv

import "syscall"

// serverAttr puts a server in its own process group and has the kernel stop it when the test
// process dies, so a test binary killed by -timeout leaves no server behind.
func serverAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
}
