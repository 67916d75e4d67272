namespace MediaMesh.Common.Errors;

/// <summary>Tells an I/O failure that means "the volume is full" (or its quota is used up) from any other.</summary>
public static class NoSpaceLeft
{
    // Linux errno values: .NET puts the errno in IOException.HResult on Unix.
    private const int Enospc = 28;
    private const int Edquot = 122;

    // Windows: ERROR_HANDLE_DISK_FULL and ERROR_DISK_FULL as HRESULTs (0x8007xxxx).
    private const int WindowsHandleDiskFull = unchecked((int)0x80070027);
    private const int WindowsDiskFull = unchecked((int)0x80070070);

    /// <summary>True for ENOSPC/EDQUOT (or their Windows equivalents), also when wrapped in another exception.</summary>
    public static bool Is(Exception? exception) => exception switch
    {
        null => false,
        IOException io when io.HResult is Enospc or Edquot or WindowsHandleDiskFull or WindowsDiskFull => true,
        _ => Is(exception.InnerException),
    };
}
