package regen

import (
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcp-oauth/mcp-oauth/generator/merge/mergetest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gen(body string) string { return GeneratedHeader + "\n\n" + body }

// v1 is a small project as the generator would render it.
var v1 = map[string]string{
	"go.mod":                       mergetest.SQLiteGoMod,
	"go.sum":                       mergetest.SumSDK + mergetest.SumSQLite,
	"README.md":                    "# srv\n\nAn MCP server.\n\n## Configuration\n\nSQLITE_PATH\n\n## License\n\nMIT\n",
	"main.gen.go":                  gen("package main\n\nfunc main() {}\n"),
	"internal/store/store.gen.go":  gen("package store\n"),
	"internal/store/sqlite.gen.go": gen("package store\n\n// sqlite\n"),
	"tools.go":                     "package main\n\n// Add your tools here.\n",
}

// v2 is the render after switching the store to redis and renaming.
var v2 = map[string]string{
	"go.mod":                      mergetest.RedisGoMod,
	"go.sum":                      mergetest.SumSDK + mergetest.SumRedis,
	"README.md":                   "# srv2\n\nAn MCP server.\n\n## Configuration\n\nREDIS_URL\n\n## License\n\nMIT\n",
	"main.gen.go":                 gen("package main\n\nfunc main() { println() }\n"),
	"internal/store/store.gen.go": gen("package store\n"),
	"internal/store/redis.gen.go": gen("package store\n\n// redis\n"),
	"tools.go":                    "package main\n\n// Add your MCP tools here.\n",
}

func bytesMap(m map[string]string) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range m {
		out[k] = []byte(v)
	}
	return out
}

func with(m map[string]string, kv ...string) map[string]string {
	out := maps.Clone(m)
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

func newProject(t *testing.T, files map[string]string, untracked ...Untracked) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "srv")
	require.NoError(t, WriteNew(dir, bytesMap(files), "dev", untracked...))
	return dir
}

// envFile is an untracked file as init writes .env.
func envFile(content string) Untracked {
	return Untracked{Path: ".env", Content: []byte(content), Private: true}
}

// writeManifest replaces the project's manifest with m.
func writeManifest(t *testing.T, dir string, m *Manifest) {
	t.Helper()
	data, err := m.Marshal()
	require.NoError(t, err)
	writeFile(t, dir, ManifestFile, string(data))
}

func plan(t *testing.T, dir string, files map[string]string, force bool) *Plan {
	t.Helper()
	p, err := NewPlan(dir, bytesMap(files), PlanOptions{Force: force, GeneratorVersion: "dev"})
	require.NoError(t, err)
	return p
}

func readFile(t *testing.T, dir, p string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(p)))
	require.NoError(t, err)
	return string(data)
}

func writeFile(t *testing.T, dir, p, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, filepath.FromSlash(p)), []byte(content), 0o644))
}

func actions(p *Plan) map[string]Action {
	out := map[string]Action{}
	for _, c := range p.Changes {
		out[c.Path] = c.Action
	}
	return out
}

// snapshot records every file under dir with its content and mtime.
type fileState struct {
	content string
	mtime   time.Time
}

func snapshot(t *testing.T, dir string) map[string]fileState {
	t.Helper()
	out := map[string]fileState{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = fileState{string(data), info.ModTime()}
		return nil
	}))
	return out
}

// ageFiles moves every mtime an hour back, so that a rewrite is visible
// even on file systems with coarse timestamps.
func ageFiles(t *testing.T, dir string) {
	t.Helper()
	old := time.Now().Add(-time.Hour).Truncate(time.Second)
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return os.Chtimes(p, old, old)
	}))
}

func TestWriteNewRecordsManifestAndBase(t *testing.T) {
	dir := newProject(t, v1, envFile("ENCRYPTION_KEY=x\n"), Untracked{Path: "mcp-oauth.yaml", Content: []byte("schema: 1\n")})
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	assert.Equal(t, Entry{Owner: OwnerGenerator, SHA256: Hash([]byte(v1["main.gen.go"]))}, m.Files["main.gen.go"])
	assert.Equal(t, OwnerShared, m.Files["README.md"].Owner)
	assert.Equal(t, OwnerShared, m.Files["go.mod"].Owner)
	assert.Equal(t, OwnerGenerator, m.Files["go.sum"].Owner)
	assert.Equal(t, OwnerUser, m.Files["tools.go"].Owner)
	assert.NotContains(t, m.Files, ".env", "untracked files are never regenerated, so never removed")
	assert.NotContains(t, m.Files, "mcp-oauth.yaml")
	for p, perm := range map[string]fs.FileMode{".env": 0o600, "mcp-oauth.yaml": 0o644, "main.gen.go": 0o644} {
		info, err := os.Stat(filepath.Join(dir, p))
		require.NoError(t, err)
		assert.Equal(t, perm, info.Mode().Perm(), p)
	}
	assert.Len(t, m.Files, len(v1))
	for _, p := range []string{"README.md", "go.mod", "go.sum"} {
		base, err := ReadBase(dir, p)
		require.NoError(t, err)
		assert.Equal(t, v1[p], string(base), p)
	}
	base, err := ReadBase(dir, "main.gen.go")
	require.NoError(t, err)
	assert.Nil(t, base, "generator-owned files need no base copy")
}

func TestRegenerateSameRenderWritesNothing(t *testing.T) {
	dir := newProject(t, v1, envFile("KEY=1\n"))
	ageFiles(t, dir)
	before := snapshot(t, dir)

	p := plan(t, dir, v1, false)
	assert.Empty(t, p.Pending())
	assert.Equal(t, "up to date\n", p.Summary(false))
	require.NoError(t, p.Apply(dir))
	assert.Equal(t, before, snapshot(t, dir), "no file, manifest or base copy rewritten")
}

func TestRegenerateSwitchStoreKeepsEdits(t *testing.T) {
	dir := newProject(t, v1)
	// The user's edits: a tool, a README section, a dependency.
	writeFile(t, dir, "tools.go", "package main\n\n// my tool\n")
	writeFile(t, dir, "README.md", v1["README.md"]+"\n## Deploying\n\nfly deploy\n")
	writeFile(t, dir, "go.mod", strings.Replace(mergetest.SQLiteGoMod, "\tmodernc.org/sqlite v1.62.0\n", "\tmodernc.org/sqlite v1.62.0\n\tgithub.com/google/uuid v1.6.0\n", 1))
	writeFile(t, dir, "go.sum", mergetest.SumSDK+mergetest.SumSQLite+mergetest.SumUUID)

	p := plan(t, dir, v2, false)
	assert.Equal(t, map[string]Action{
		"go.mod":                       ActionMerge,
		"go.sum":                       ActionMerge,
		"README.md":                    ActionMerge,
		"main.gen.go":                  ActionUpdate,
		"internal/store/store.gen.go":  ActionUnchanged,
		"internal/store/redis.gen.go":  ActionCreate,
		"internal/store/sqlite.gen.go": ActionRemove,
		"tools.go":                     ActionKeep,
	}, actions(p))
	require.NoError(t, p.Apply(dir))

	assert.Equal(t, "package main\n\n// my tool\n", readFile(t, dir, "tools.go"))
	assert.Equal(t, v2["README.md"]+"\n## Deploying\n\nfly deploy\n", readFile(t, dir, "README.md"))
	gomod := readFile(t, dir, "go.mod")
	assert.Contains(t, gomod, "github.com/google/uuid v1.6.0")
	assert.Contains(t, gomod, "github.com/redis/go-redis/v9 v9.23.0")
	assert.NotContains(t, gomod, "modernc.org")
	assert.Equal(t, mergetest.SortedSum(mergetest.SumSDK+mergetest.SumRedis+mergetest.SumUUID), readFile(t, dir, "go.sum"))
	assert.Equal(t, v2["internal/store/redis.gen.go"], readFile(t, dir, "internal/store/redis.gen.go"))
	assert.NoFileExists(t, filepath.Join(dir, "internal", "store", "sqlite.gen.go"))
	assertNoTempFiles(t, dir)

	// The bookkeeping now describes v2: a second run writes nothing.
	base, err := ReadBase(dir, "README.md")
	require.NoError(t, err)
	assert.Equal(t, v2["README.md"], string(base))
	ageFiles(t, dir)
	before := snapshot(t, dir)
	again := plan(t, dir, v2, false)
	assert.Empty(t, again.Pending())
	require.NoError(t, again.Apply(dir))
	assert.Equal(t, before, snapshot(t, dir))
}

func TestRegenerateRefusesEditedGeneratorFile(t *testing.T) {
	dir := newProject(t, v1)
	writeFile(t, dir, "internal/store/store.gen.go", v1["internal/store/store.gen.go"]+"// my edit\n")
	ageFiles(t, dir)
	before := snapshot(t, dir)

	p := plan(t, dir, v2, false)
	assert.Equal(t, []string{"internal/store/store.gen.go"}, p.Refused())
	assert.Contains(t, p.Summary(false), "refuses internal/store/store.gen.go: edited since it was generated")
	err := p.Apply(dir)
	var refused *RefusedError
	require.ErrorAs(t, err, &refused)
	assert.Equal(t, []string{"internal/store/store.gen.go"}, refused.Paths)
	assert.Contains(t, err.Error(), "internal/store/store.gen.go")
	assert.Contains(t, err.Error(), "--force")
	assert.Equal(t, before, snapshot(t, dir), "a refusal writes nothing at all")

	// The same render as before still refuses: the edit would be lost on
	// the next real change otherwise.
	assert.Equal(t, []string{"internal/store/store.gen.go"}, plan(t, dir, v1, false).Refused())

	forced := plan(t, dir, v2, true)
	assert.Empty(t, forced.Refused())
	assert.Equal(t, ActionOverwrite, actions(forced)["internal/store/store.gen.go"])
	require.NoError(t, forced.Apply(dir))
	assert.Equal(t, v2["internal/store/store.gen.go"], readFile(t, dir, "internal/store/store.gen.go"))
	assert.Empty(t, plan(t, dir, v2, false).Pending())
}

func TestRegenerateConflict(t *testing.T) {
	dir := newProject(t, v1)
	writeFile(t, dir, "README.md", strings.Replace(v1["README.md"], "# srv\n", "# My Server\n", 1))

	p := plan(t, dir, v2, false)
	assert.Equal(t, []string{"README.md"}, p.Conflicts())
	err := p.Apply(dir)
	var conflict *ConflictError
	require.ErrorAs(t, err, &conflict)
	assert.Equal(t, []string{"README.md"}, conflict.Paths)

	readme := readFile(t, dir, "README.md")
	assert.Equal(t, "<<<<<<< yours (README.md)\n# My Server\n"+
		"||||||| last generated by mcp-oauth dev\n# srv\n"+
		"=======\n# srv2\n"+
		">>>>>>> generated by mcp-oauth dev\n"+
		"\nAn MCP server.\n\n## Configuration\n\nREDIS_URL\n\n## License\n\nMIT\n", readme,
		"the clean part of the merge (REDIS_URL) is applied around the conflict")
	// Everything else was applied in full.
	assert.Equal(t, v2["main.gen.go"], readFile(t, dir, "main.gen.go"))
	assert.NoFileExists(t, filepath.Join(dir, "internal", "store", "sqlite.gen.go"))
	assertNoTempFiles(t, dir)

	// Until resolved, the conflict is reported again and nothing written.
	again := plan(t, dir, v2, false)
	assert.Equal(t, []string{"README.md"}, again.Conflicts())
	assert.Empty(t, again.Pending())
	require.ErrorAs(t, again.Apply(dir), &conflict)

	// Resolved by the user: their resolution stands.
	resolved := strings.Replace(v2["README.md"], "# srv2\n", "# My Server 2\n", 1)
	writeFile(t, dir, "README.md", resolved)
	p = plan(t, dir, v2, false)
	assert.Empty(t, p.Conflicts())
	assert.Empty(t, p.Pending())
	require.NoError(t, p.Apply(dir))
	assert.Equal(t, resolved, readFile(t, dir, "README.md"))
}

func TestRegenerateStaleFiles(t *testing.T) {
	files := with(v1, "internal/store/sqlite/schema.gen.go", gen("package sqlite\n"), "internal/store/sqlite/util.gen.go", gen("package sqlite\n// util\n"))
	dir := newProject(t, files)
	writeFile(t, dir, "internal/store/sqlite/util.gen.go", gen("package sqlite\n// util, with my fix\n"))

	p := plan(t, dir, v1, false)
	assert.Equal(t, ActionRemove, actions(p)["internal/store/sqlite/schema.gen.go"])
	assert.Equal(t, ActionKeepStale, actions(p)["internal/store/sqlite/util.gen.go"])
	assert.Contains(t, p.Summary(true), "kept internal/store/sqlite/util.gen.go: no longer generated, but you changed it")
	require.NoError(t, p.Apply(dir))
	assert.NoFileExists(t, filepath.Join(dir, "internal", "store", "sqlite", "schema.gen.go"))
	assert.FileExists(t, filepath.Join(dir, "internal", "store", "sqlite", "util.gen.go"))

	// Kept once, it is the user's: no longer tracked or reported.
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	assert.NotContains(t, m.Files, "internal/store/sqlite/util.gen.go")
	assert.Equal(t, "up to date\n", plan(t, dir, v1, false).Summary(false))
}

func TestRegenerateRemovesEmptiedDirectories(t *testing.T) {
	dir := newProject(t, with(v1, "internal/store/sqlite/schema.gen.go", gen("package sqlite\n")))
	require.NoError(t, plan(t, dir, v1, false).Apply(dir))
	assert.NoDirExists(t, filepath.Join(dir, "internal", "store", "sqlite"))
	assert.DirExists(t, filepath.Join(dir, "internal", "store"))
}

func TestRegenerateStaleSharedFile(t *testing.T) {
	dir := newProject(t, with(v1, "Dockerfile", "FROM golang\n"))
	require.NoError(t, plan(t, dir, v1, false).Apply(dir))
	assert.NoFileExists(t, filepath.Join(dir, "Dockerfile"))
	base, err := ReadBase(dir, "Dockerfile")
	require.NoError(t, err)
	assert.Nil(t, base, "the base copy goes with the file")
}

func TestRegenerateDeletedFiles(t *testing.T) {
	for _, p := range []string{"internal/store/store.gen.go", "tools.go", "README.md"} {
		t.Run(p, func(t *testing.T) {
			dir := newProject(t, v1)
			require.NoError(t, os.Remove(filepath.Join(dir, filepath.FromSlash(p))))

			pl := plan(t, dir, v2, false)
			assert.Equal(t, ActionSkipDeleted, actions(pl)[p])
			assert.Contains(t, pl.Summary(true), "skipped "+p+": deleted by you; not brought back")
			require.NoError(t, pl.Apply(dir))
			assert.NoFileExists(t, filepath.Join(dir, filepath.FromSlash(p)))

			// Still not brought back on the next run.
			pl = plan(t, dir, v2, false)
			assert.Equal(t, ActionSkipDeleted, actions(pl)[p])
			assert.Empty(t, pl.Pending())

			forced := plan(t, dir, v2, true)
			assert.Equal(t, ActionRestore, actions(forced)[p])
			require.NoError(t, forced.Apply(dir))
			assert.Equal(t, v2[p], readFile(t, dir, p))
		})
	}
}

func TestRegenerateUserFileNeverTouched(t *testing.T) {
	dir := newProject(t, v1)
	writeFile(t, dir, "tools.go", "package main\n// mine\n")
	// A user-owned file the generator starts rendering, which the user
	// already has: left alone and not adopted.
	writeFile(t, dir, "extra.go", "package main\n// my own extra.go\n")
	p := plan(t, dir, with(v2, "extra.go", "package main\n"), false)
	assert.Equal(t, ActionKeep, actions(p)["tools.go"])
	assert.Equal(t, ActionKeep, actions(p)["extra.go"])
	require.NoError(t, p.Apply(dir))
	assert.Equal(t, "package main\n// mine\n", readFile(t, dir, "tools.go"))
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	assert.NotContains(t, m.Files, "extra.go", "a file the generator did not write is not removed later")

	// An untouched user-owned file that is no longer rendered is removed:
	// it is still exactly what the generator wrote.
	dir = newProject(t, with(v1, "sqlite_tools.go", "package main\n"))
	p = plan(t, dir, v1, false)
	assert.Equal(t, ActionRemove, actions(p)["sqlite_tools.go"])
}

func TestRegenerateUntrackedFile(t *testing.T) {
	answers := Untracked{Path: "mcp-oauth.yaml", Content: []byte("store: sqlite\n")}
	dir := newProject(t, v1, answers)
	untracked := func(u Untracked) *Plan {
		t.Helper()
		p, err := NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "dev", Untracked: []Untracked{u}})
		require.NoError(t, err)
		return p
	}

	// The same content: left alone.
	assert.Equal(t, ActionUnchanged, actions(untracked(answers))[answers.Path])

	// New content: rewritten, and still not recorded.
	answers.Content = []byte("store: redis\n")
	p := untracked(answers)
	assert.Equal(t, ActionUpdate, actions(p)[answers.Path])
	assert.Contains(t, p.Summary(false), "would update mcp-oauth.yaml\n")
	require.NoError(t, p.Apply(dir))
	assert.Equal(t, "store: redis\n", readFile(t, dir, answers.Path))
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	assert.NotContains(t, m.Files, answers.Path)

	// Not given, it is not removed; given and rendered, it is refused.
	require.NoError(t, plan(t, dir, v2, false).Apply(dir))
	assert.FileExists(t, filepath.Join(dir, answers.Path))
	_, err = NewPlan(dir, bytesMap(v2), PlanOptions{Untracked: []Untracked{{Path: "tools.go"}}})
	assert.ErrorContains(t, err, "tools.go")

	// Deleted: created again.
	require.NoError(t, os.Remove(filepath.Join(dir, answers.Path)))
	assert.Equal(t, ActionCreate, actions(untracked(answers))[answers.Path])
}

func TestRegenerateEnvFileSurvives(t *testing.T) {
	dir := newProject(t, v1, envFile("ENCRYPTION_KEY=secret\n"))
	require.NoError(t, plan(t, dir, v2, false).Apply(dir))
	assert.Equal(t, "ENCRYPTION_KEY=secret\n", readFile(t, dir, ".env"))
}

func TestRegenerateAfterInterruptedApply(t *testing.T) {
	// A run that wrote main.gen.go but died before the manifest: the file
	// already has the new content, which is not a user edit.
	dir := newProject(t, v1)
	writeFile(t, dir, "main.gen.go", v2["main.gen.go"])
	p := plan(t, dir, v2, false)
	assert.Empty(t, p.Refused())
	assert.Equal(t, ActionUnchanged, actions(p)["main.gen.go"])
}

func TestRegenerateKeepsFileMode(t *testing.T) {
	dir := newProject(t, v1)
	target := filepath.Join(dir, "main.gen.go")
	require.NoError(t, os.Chmod(target, 0o755))
	require.NoError(t, plan(t, dir, v2, false).Apply(dir))
	info, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o755), info.Mode().Perm())
}

func TestRegenerateNewerProject(t *testing.T) {
	dir := newProject(t, v1)
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	m.GeneratorVersion = "v9.0.0"
	writeManifest(t, dir, m)

	_, err = NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "v1.0.0"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "v9.0.0")
	assert.Contains(t, err.Error(), "upgrade mcp-oauth")
	_, err = NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "v1.0.0", Force: true})
	require.NoError(t, err)
	// Development builds compare as neither newer nor older.
	_, err = NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "dev"})
	require.NoError(t, err)
}

func TestRegenerateTamperedManifest(t *testing.T) {
	dir := newProject(t, v1)
	outside := filepath.Join(filepath.Dir(dir), "victim.go")
	require.NoError(t, os.WriteFile(outside, []byte("x"), 0o644))
	manifest := `{"schema": 1, "generator_version": "v1", "files": {"../victim.go": {"owner": "generator", "sha256": "` + Hash([]byte("x")) + `"}}}`
	writeFile(t, dir, ManifestFile, manifest)
	_, err := NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "dev"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "../victim.go")
	assert.FileExists(t, outside)
}

func TestRegenerateWithoutManifest(t *testing.T) {
	// A project without bookkeeping: nothing is known to be unmodified, so
	// differing generated files are refused, not overwritten.
	dir := newProject(t, v1)
	require.NoError(t, os.RemoveAll(filepath.Join(dir, MetaDir)))
	p := plan(t, dir, v2, false)
	assert.Equal(t, []string{"main.gen.go"}, p.Refused())
	assert.Equal(t, ActionKeep, actions(p)["tools.go"])
}

func TestRegenerateBrokenGoMod(t *testing.T) {
	dir := newProject(t, v1)
	writeFile(t, dir, "go.mod", "module example.com/srv\n\nrequire (\n")
	_, err := NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "dev"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "go.mod:")
}

func TestPlanDiff(t *testing.T) {
	dir := newProject(t, map[string]string{
		"a.gen.go": gen("package a\n\nvar x = 1\n"),
		"b.gen.go": gen("package b\n"),
	})
	p := plan(t, dir, map[string]string{
		"a.gen.go": gen("package a\n\nvar x = 2\n"),
		"c.gen.go": gen("package c\n"),
	}, false)
	want := `--- a/a.gen.go
+++ b/a.gen.go
@@ -2,4 +2,4 @@
 
 package a
 
-var x = 1
+var x = 2
--- a/b.gen.go
+++ /dev/null
@@ -1,3 +0,0 @@
-// Code generated by mcp-oauth. DO NOT EDIT.
-
-package b
--- /dev/null
+++ b/c.gen.go
@@ -0,0 +1,3 @@
+// Code generated by mcp-oauth. DO NOT EDIT.
+
+package c
`
	assert.Equal(t, want, p.Diff())
	assert.Equal(t, "updated a.gen.go\nremoved b.gen.go: no longer generated\ncreated c.gen.go\n", p.Summary(true))
	assert.Equal(t, "would update a.gen.go\nwould remove b.gen.go: no longer generated\nwould create c.gen.go\n", p.Summary(false))
}

func TestPlanDiffNoNewlineAtEnd(t *testing.T) {
	dir := newProject(t, map[string]string{"README.md": "a\nb"})
	p := plan(t, dir, map[string]string{"README.md": "a\nc"}, false)
	assert.Contains(t, p.Diff(), "-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")
}

func TestApplyErrorNamesFile(t *testing.T) {
	dir := newProject(t, v1)
	// A directory where the new file should go: planning reads it and
	// fails, naming the file.
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "internal", "store", "redis.gen.go"), 0o755))
	_, err := NewPlan(dir, bytesMap(v2), PlanOptions{GeneratorVersion: "dev"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "internal/store/redis.gen.go")
	assert.False(t, errors.Is(err, fs.ErrNotExist))
}

func TestWriteNewOfACopiedProject(t *testing.T) {
	// Writing a tree read back from a project (as the golden tests do)
	// replaces its bookkeeping instead of recording it as project files.
	dir := newProject(t, v1)
	files := map[string][]byte{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	}))
	require.Contains(t, files, ManifestFile)
	copied := filepath.Join(t.TempDir(), "copy")
	require.NoError(t, WriteNew(copied, files, "dev"))
	m, err := ReadManifest(copied)
	require.NoError(t, err)
	assert.Len(t, m.Files, len(v1))
}

func TestRegenerateKeepsModulesTheUserImports(t *testing.T) {
	// The user's code imports libc, which only the SQLite store required.
	dir := newProject(t, v1)
	writeFile(t, dir, "mine.go", "package main\n\nimport _ \"modernc.org/libc\"\n")
	p := plan(t, dir, v2, false)
	require.NoError(t, p.Apply(dir))
	gomod := readFile(t, dir, "go.mod")
	assert.Contains(t, gomod, "\tmodernc.org/libc v1.66.0\n")
	assert.NotContains(t, gomod, "modernc.org/sqlite")
	assert.Contains(t, readFile(t, dir, "go.sum"), mergetest.SumSQLite, "checksums stay while go.mod keeps dropped modules")
	assert.Contains(t, p.Summary(true), "merged go.mod: kept modernc.org/libc, no longer required by the generator but by your code")
	assert.Empty(t, plan(t, dir, v2, false).Pending())
}

func TestUserImports(t *testing.T) {
	files := with(v1,
		"internal/store/sqlite.gen.go", gen("package store\n\nimport _ \"modernc.org/sqlite\"\n"),
		"internal/old/old.gen.go", gen("package old\n\nimport _ \"example.com/removed\"\n"),
		"internal/kept/kept.gen.go", gen("package kept\n\nimport _ \"example.com/kept\"\n"),
	)
	dir := newProject(t, files)
	writeFile(t, dir, "internal/kept/kept.gen.go", gen("package kept\n\nimport _ \"example.com/kept\"\n// edited\n"))
	writeFile(t, dir, "tools.go", "package main\n\nimport (\n\t\"fmt\"\n\tu \"github.com/google/uuid\"\n)\n")
	writeFile(t, dir, "broken.go", "package main\n\nimport \"example.com/partial\"\nfunc {\n")
	for _, d := range []string{"testdata", ".hidden", "nested"} {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, d), 0o755))
		writeFile(t, dir, d+"/x.go", "package x\n\nimport _ \"example.com/"+d+"\"\n")
	}
	writeFile(t, dir, "nested/go.mod", "module example.com/nested\n")

	// The render keeps sqlite.gen.go (generator-owned: its imports are the
	// generator's) and drops old.gen.go (unmodified: removed) and
	// kept.gen.go (edited: kept, so its imports count).
	m, err := ReadManifest(dir)
	require.NoError(t, err)
	got, err := userImports(dir, bytesMap(v1), m)
	require.NoError(t, err)
	assert.Equal(t, []string{"example.com/kept", "example.com/partial", "fmt", "github.com/google/uuid"}, got)
}
