//go:build !linux

package testenv

import "syscall"

// serverAttr puts a server in its own process group.
func serverAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
