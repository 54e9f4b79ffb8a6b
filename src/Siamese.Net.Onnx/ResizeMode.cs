namespace Siamese.Net.Onnx;

/// <summary>Resampling of the resize; the same members and values as Siamese.Net's <c>ResizeMode</c>.</summary>
public enum ResizeMode
{
    /// <summary>Bilinear interpolation with half-pixel centres (PyTorch's <c>align_corners=False</c>).</summary>
    Bilinear = 0,

    /// <summary>The mean of each output cell's input region (PyTorch's <c>mode="area"</c>, adaptive average pooling).</summary>
    Area = 1,

    /// <summary>The minimum of each output cell's region (adaptive pooling), which keeps thin dark strokes on white.</summary>
    MinPool = 2,
}
