// Package generator runs the generator's pipeline for the CLI. Its steps
// are packages of their own, in the order a project goes through them:
//
//   - catalog: the data tables (upstream login providers, store backends);
//   - options: the answers that determine a project, with their defaults
//     and validation;
//   - answers: the answers file, mcp-oauth.yaml;
//   - render: the project rendered in memory from the template tree;
//   - regen: the project written, and later regenerated (manifest, plan,
//     apply, summary);
//   - merge: the three-way merges of shared files, go.mod and go.sum.
//
// [Init] and [Generate] put them together: a project is rendered, and
// written with its answers file and .env beside it.
package generator

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/mcp-oauth/mcp-oauth/generator/answers"
	"github.com/mcp-oauth/mcp-oauth/generator/options"
	"github.com/mcp-oauth/mcp-oauth/generator/regen"
	"github.com/mcp-oauth/mcp-oauth/generator/render"
)

// envFile is the local settings file init writes. It holds the encryption
// key and is never rendered again.
const envFile = ".env"

// Init renders the project for opts and writes it into dir, which must be
// absent or empty, with its answers file and a fresh .env. It returns the
// number of project files written (bookkeeping aside). Either every file
// is written or none is.
func Init(dir string, opts options.Options) (int, error) {
	opts = opts.Normalize()
	if err := options.CheckProjectFiles(dir, opts); err != nil {
		return 0, err
	}
	files, err := render.Render(opts)
	if err != nil {
		return 0, err
	}
	saved, err := answers.Marshal(opts, Version())
	if err != nil {
		return 0, err
	}
	env, err := newEnv()
	if err != nil {
		return 0, err
	}
	err = regen.WriteNew(dir, files, Version(),
		regen.Untracked{Path: answers.File, Content: saved},
		regen.Untracked{Path: envFile, Content: env, Private: true})
	if err != nil {
		return 0, err
	}
	return len(files) + 2, nil
}

// Generate plans regenerating the project in dir for opts: the new render,
// and the answers file when its answers changed (a hand-edited file whose
// answers did not change keeps its comments and layout). force is
// regen.PlanOptions.Force. The plan writes nothing until applied.
func Generate(dir string, opts options.Options, force bool) (*regen.Plan, error) {
	opts = opts.Normalize()
	if err := options.CheckProjectFiles(dir, opts); err != nil {
		return nil, err
	}
	files, err := render.Render(opts)
	if err != nil {
		return nil, err
	}
	saved, err := answers.Marshal(opts, Version())
	if err != nil {
		return nil, err
	}
	var untracked []regen.Untracked
	cur, err := os.ReadFile(filepath.Join(dir, answers.File))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", answers.File, err)
	}
	if !answers.Same(cur, saved) {
		untracked = append(untracked, regen.Untracked{Path: answers.File, Content: saved})
	}
	return regen.NewPlan(dir, files, regen.PlanOptions{Force: force, GeneratorVersion: Version(), Untracked: untracked})
}

// newEnv returns the content of a fresh .env: a random 32-byte
// ENCRYPTION_KEY (upstream tokens are sealed with it) and local development
// defaults.
func newEnv() ([]byte, error) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generating ENCRYPTION_KEY: %w", err)
	}
	return []byte("# Local settings; never commit this file (it is in .gitignore).\n" +
		"# ENCRYPTION_KEY seals upstream tokens at rest: keep it secret and stable.\n" +
		"ENCRYPTION_KEY=" + base64.StdEncoding.EncodeToString(key) + "\n" +
		"# Sign in with a local form instead of the upstream provider (loopback BASE_URL only).\n" +
		"DEV_LOGIN=1\n"), nil
}
