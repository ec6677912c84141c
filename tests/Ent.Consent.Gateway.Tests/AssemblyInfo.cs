// Browser classes start a portal, a gateway and Chromium; on a small CI machine one at a time is steadier.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
