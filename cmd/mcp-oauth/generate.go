package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/mcp-oauth/mcp-oauth/generator"
	"github.com/spf13/cobra"
)

func newGenerateCmd() *cobra.Command {
	var flags *answerFlags
	cmd := &cobra.Command{
		Use:   "generate [DIR]",
		Short: "Re-render DIR (default \".\") from DIR/mcp-oauth.yaml after options changed",
		Long: `generate reads the answers in DIR/mcp-oauth.yaml, applies any option flags
to them, and re-renders the project.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			return runGenerate(dir, cmd, flags, cmd.OutOrStdout())
		},
	}
	flags = addAnswerFlags(cmd, false)
	return cmd
}

// loadAnswers reads DIR/mcp-oauth.yaml and applies the flags the user set.
func loadAnswers(dir string, cmd *cobra.Command, flags *answerFlags) (generator.Options, error) {
	src, err := os.ReadFile(filepath.Join(dir, generator.AnswersFile))
	if errors.Is(err, fs.ErrNotExist) {
		return generator.Options{}, fmt.Errorf("%s has no %s: run `mcp-oauth init` first, or pass the project directory", dir, generator.AnswersFile)
	}
	if err != nil {
		return generator.Options{}, err
	}
	answers, err := generator.ParseAnswers(src)
	if err != nil {
		return generator.Options{}, err
	}
	opts := answers.Options
	for _, opt := range generator.OptionTable() {
		if cmd.Flags().Changed(opt.Field) {
			opt.Set(&opts, opt.Get(&flags.opts))
		}
	}
	opts = opts.Normalize()
	return opts, opts.Validate()
}

func runGenerate(dir string, cmd *cobra.Command, flags *answerFlags, stdout io.Writer) error {
	opts, err := loadAnswers(dir, cmd, flags)
	if err != nil {
		return err
	}
	files, err := generator.Render(opts)
	if err != nil {
		return err
	}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	written := 0
	for _, p := range paths {
		target := filepath.Join(dir, filepath.FromSlash(p))
		if old, err := os.ReadFile(target); err == nil && bytes.Equal(old, files[p]) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(target, files[p], 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", p, err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", p)
		written++
	}
	if written == 0 {
		fmt.Fprintln(stdout, "up to date")
	}
	return nil
}
