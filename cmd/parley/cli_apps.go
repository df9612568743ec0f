package main

import (
	"context"
	"fmt"
	"io"

	"github.com/parleychat/parley"
	"github.com/parleychat/parley/client"
)

// appsCmd: parley apps create|list|delete, with the operator token.
func appsCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "list", "delete")
	if err != nil {
		return err
	}
	fs := e.flags("apps " + action)
	var name, region string
	fs.StringVar(&name, "name", "", "the app's name")
	fs.StringVar(&region, "region", "", "a region label")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if e.operator == "" {
		return usagef("--operator-token (or $PARLEY_OPERATOR_TOKEN) is required")
	}
	c, err := client.New(client.Settings{BaseURL: e.url, AppID: e.app})
	if err != nil {
		return err
	}
	op := c.WithOperator(e.operator)
	switch action {
	case "create":
		if name == "" {
			return usagef("--name is required")
		}
		a, err := op.CreateApp(ctx, name, region)
		if err != nil {
			return err
		}
		return e.print(a, func(w io.Writer) {
			fmt.Fprintf(w, "App ID:\t%s\nName:\t%s\n", a.ID, a.Name)
			for _, k := range a.Keys {
				fmt.Fprintf(w, "%s (%s):\t%s\n", k.Name, k.Scope, k.Key)
			}
			fmt.Fprintln(w, "The keys are shown this once: keep them.")
		})
	case "list":
		as, err := op.Apps(ctx)
		if err != nil {
			return err
		}
		return e.print(as, func(w io.Writer) {
			fmt.Fprintln(w, "APP ID\tNAME\tREGION\tCREATED")
			for _, a := range as {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", a.ID, a.Name, a.Region, when(a.CreatedAt))
			}
		})
	}
	id, err := one(pos, "App ID")
	if err != nil {
		return err
	}
	if err := op.DeleteApp(ctx, id); err != nil {
		return err
	}
	return e.print(map[string]any{"success": true, "appId": id}, func(w io.Writer) { fmt.Fprintf(w, "deleted app %s\n", id) })
}

// keysCmd: parley keys create|list|revoke.
func keysCmd(ctx context.Context, e *cliEnv, args []string) error {
	action, args, err := sub(args, "create", "list", "revoke")
	if err != nil {
		return err
	}
	fs := e.flags("keys " + action)
	var name, scope string
	fs.StringVar(&name, "name", "", "the key's name")
	fs.StringVar(&scope, "scope", parley.ScopeFullAccess, "fullAccess or authOnly")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	s, err := e.server()
	if err != nil {
		return err
	}
	switch action {
	case "create":
		if name == "" {
			return usagef("--name is required")
		}
		k, err := s.CreateAPIKey(ctx, name, scope)
		if err != nil {
			return err
		}
		return e.print(k, func(w io.Writer) {
			fmt.Fprintf(w, "%s (%s, id %s):\t%s\nThe key is shown this once: keep it.\n", k.Name, k.Scope, k.ID, k.Key)
		})
	case "list":
		ks, err := s.APIKeys(ctx)
		if err != nil {
			return err
		}
		return e.print(ks, func(w io.Writer) {
			fmt.Fprintln(w, "ID\tNAME\tSCOPE\tCREATED")
			for _, k := range ks {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", k.ID, k.Name, k.Scope, when(k.CreatedAt))
			}
		})
	}
	id, err := one(pos, "key id")
	if err != nil {
		return err
	}
	if err := s.DeleteAPIKey(ctx, id); err != nil {
		return err
	}
	return e.print(map[string]any{"success": true, "id": id}, func(w io.Writer) { fmt.Fprintf(w, "revoked key %s\n", id) })
}
