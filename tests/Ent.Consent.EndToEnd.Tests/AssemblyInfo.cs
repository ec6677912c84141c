// Each test class starts a portal and a browser; on a small CI machine running them one at a time is faster and
// steadier than letting them compete.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
