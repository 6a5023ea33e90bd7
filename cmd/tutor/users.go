package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"tutor"
	"tutor/store"
)

func usersCommand() command {
	return command{Name: "users", Summary: "manage who may sign in, and API keys (add, list, key)", Run: usersRun}
}

// usersRun handles `tutor users add NAME ROLE`, `tutor users list` and `tutor users key NAME ROLE`.
// The password of a new user is read from the first line of standard input.
func usersRun(ctx context.Context, env *Env, args []string) error {
	fs := env.FlagSet("users")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: tutor users [flags] [list | add NAME ROLE | key NAME ROLE]   (roles: trainer, manager, engineer, admin)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	verb, rest := "list", fs.Args()
	if len(rest) > 0 {
		verb, rest = rest[0], rest[1:]
	}
	s, err := store.Open(ctx, env.Config.Data)
	if err != nil {
		return err
	}
	defer s.Close()
	switch verb {
	case "list":
		us, err := s.Users(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%v\n", u.Name, u.Role, u.Disabled)
		}
		return tw.Flush()
	case "add", "key":
		if len(rest) != 2 {
			return tutor.Errorf(tutor.EINVALID, "%s needs a name and a role", verb)
		}
		role, err := store.ParseRole(rest[1])
		if err != nil {
			return err
		}
		if verb == "key" {
			_, key, err := s.CreateAPIKey(ctx, rest[0], role, 0)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "%s\n(shown once; send it as Authorization: Bearer <key>)\n", key)
			return nil
		}
		fmt.Fprint(env.Stderr, "password: ")
		line, _ := bufio.NewReader(env.Stdin).ReadString('\n')
		if _, err := s.CreateUser(ctx, rest[0], role, strings.TrimRight(line, "\r\n")); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "user %s (%s) added; restart the server to turn sign-in on\n", rest[0], role)
		return nil
	}
	return tutor.Errorf(tutor.EINVALID, "unknown users action %q: want list, add or key", verb)
}
