package main

import (
	"runtime/debug"
	"strings"
)

// version describes the build from its build info: the module version
// ("(devel)" for a build from a checkout, the tag for go install …@v1.2.3),
// the VCS revision it was built from ("+dirty" when the tree had
// uncommitted changes; "unknown" when the build recorded none: go run, or
// -buildvcs=false) and the Go release.
func version(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return "parley unknown (no build info)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	rev, dirty := "unknown", false
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if dirty {
		rev += "+dirty"
	}
	return strings.Join([]string{"parley", v, "revision", rev, info.GoVersion}, " ")
}
