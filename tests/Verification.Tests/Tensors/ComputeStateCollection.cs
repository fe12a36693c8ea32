namespace Verification.Tests.Tensors;

/// <summary>
/// Tests that swap the process-wide Compute.Backend or OpenBLAS's thread count run alone, so that no other test
/// runs on a backend it did not choose while they do.
/// </summary>
[CollectionDefinition(nameof(ComputeStateCollection), DisableParallelization = true)]
public sealed class ComputeStateCollection;
