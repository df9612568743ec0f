package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the server's configuration. Every field has a flag and a
// PARLEY_* environment variable; the flag wins, then the variable, then the
// default, which works on a laptop.
type Config struct {
	Addr          string        // --addr, PARLEY_ADDR
	DataDir       string        // --data, PARLEY_DATA
	OperatorToken string        // --operator-token, PARLEY_OPERATOR_TOKEN
	CORSOrigins   []string      // --cors-origins, PARLEY_CORS_ORIGINS (comma-separated)
	MaxBody       int64         // --max-body, PARLEY_MAX_BODY (bytes)
	MaxUpload     int64         // --max-upload, PARLEY_MAX_UPLOAD (bytes per file)
	LogFormat     string        // --log-format, PARLEY_LOG_FORMAT: text | json
	LogLevel      string        // --log-level, PARLEY_LOG_LEVEL: debug | info | warn | error
	ShutdownWait  time.Duration // --shutdown-timeout, PARLEY_SHUTDOWN_TIMEOUT
	WSMaxConns    int           // --ws-max-conns, PARLEY_WS_MAX_CONNS: WebSocket connections per user
	PresenceGrace time.Duration // --presence-grace, PARLEY_PRESENCE_GRACE
	ResumeLimit   int           // --resume-limit, PARLEY_RESUME_LIMIT: messages a resuming socket is sent
}

// DefaultConfig returns the defaults.
func DefaultConfig() Config {
	return Config{
		Addr:          "127.0.0.1:8080",
		DataDir:       "./parley-data",
		CORSOrigins:   []string{"*"},
		MaxBody:       1 << 20,
		MaxUpload:     25 << 20,
		LogFormat:     "text",
		LogLevel:      "info",
		ShutdownWait:  15 * time.Second,
		WSMaxConns:    10,
		PresenceGrace: 5 * time.Second,
		ResumeLimit:   1000,
	}
}

// parseConfig reads flags over environment over defaults.
func parseConfig(args []string, stderr io.Writer) (Config, error) {
	c := DefaultConfig()
	fs := flag.NewFlagSet("parley serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cors := strings.Join(c.CORSOrigins, ",")
	str(fs, &c.Addr, "addr", "PARLEY_ADDR", "address to listen on")
	str(fs, &c.DataDir, "data", "PARLEY_DATA", "data directory (SQLite database, uploads)")
	str(fs, &c.OperatorToken, "operator-token", "PARLEY_OPERATOR_TOKEN",
		"operator token for /v3/apps and the dashboard (generated on first start when empty)")
	str(fs, &cors, "cors-origins", "PARLEY_CORS_ORIGINS", "comma-separated origins allowed by CORS; * for any")
	str(fs, &c.LogFormat, "log-format", "PARLEY_LOG_FORMAT", "log format: text or json")
	str(fs, &c.LogLevel, "log-level", "PARLEY_LOG_LEVEL", "log level: debug, info, warn or error")
	maxBody := strconv.FormatInt(c.MaxBody, 10)
	str(fs, &maxBody, "max-body", "PARLEY_MAX_BODY", "request body limit in bytes")
	maxUpload := strconv.FormatInt(c.MaxUpload, 10)
	str(fs, &maxUpload, "max-upload", "PARLEY_MAX_UPLOAD", "largest file a message may carry, in bytes")
	wait := c.ShutdownWait.String()
	str(fs, &wait, "shutdown-timeout", "PARLEY_SHUTDOWN_TIMEOUT", "how long shutdown waits for in-flight requests")
	maxConns := strconv.Itoa(c.WSMaxConns)
	str(fs, &maxConns, "ws-max-conns", "PARLEY_WS_MAX_CONNS", "WebSocket connections one user may hold")
	grace := c.PresenceGrace.String()
	str(fs, &grace, "presence-grace", "PARLEY_PRESENCE_GRACE", "how long a user stays online after their last connection closed")
	resume := strconv.Itoa(c.ResumeLimit)
	str(fs, &resume, "resume-limit", "PARLEY_RESUME_LIMIT", "most missed messages a resuming WebSocket is sent before it pages over REST")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	var err error
	if c.MaxBody, err = strconv.ParseInt(maxBody, 10, 64); err != nil || c.MaxBody <= 0 {
		return c, fmt.Errorf("--max-body must be a positive number of bytes")
	}
	if c.MaxUpload, err = strconv.ParseInt(maxUpload, 10, 64); err != nil || c.MaxUpload <= 0 {
		return c, fmt.Errorf("--max-upload must be a positive number of bytes")
	}
	if c.ShutdownWait, err = time.ParseDuration(wait); err != nil {
		return c, fmt.Errorf("--shutdown-timeout: %w", err)
	}
	if c.ShutdownWait < 0 {
		return c, fmt.Errorf("--shutdown-timeout can't be negative")
	}
	if c.WSMaxConns, err = strconv.Atoi(maxConns); err != nil || c.WSMaxConns <= 0 {
		return c, fmt.Errorf("--ws-max-conns must be a positive number")
	}
	if c.PresenceGrace, err = time.ParseDuration(grace); err != nil || c.PresenceGrace <= 0 {
		return c, fmt.Errorf("--presence-grace must be a positive duration")
	}
	if c.ResumeLimit, err = strconv.Atoi(resume); err != nil || c.ResumeLimit <= 0 {
		return c, fmt.Errorf("--resume-limit must be a positive number")
	}
	c.CORSOrigins = nil
	for _, o := range strings.Split(cors, ",") {
		if o = strings.TrimSpace(o); o != "" {
			c.CORSOrigins = append(c.CORSOrigins, o)
		}
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return c, fmt.Errorf("--log-format must be text or json")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.LogLevel)); err != nil {
		return c, fmt.Errorf("--log-level must be debug, info, warn or error")
	}
	return c, nil
}

// str defines a string flag whose default is the environment variable, if
// set, else *p.
func str(fs *flag.FlagSet, p *string, name, env, help string) {
	if v, ok := os.LookupEnv(env); ok {
		*p = v
	}
	fs.StringVar(p, name, *p, help+" ($"+env+")")
}
