// Placeholder so the empty project builds; replaced by real code.
