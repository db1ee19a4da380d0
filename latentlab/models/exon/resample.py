"""EXoN's augmentation as the authors' code draws it, in plain Keras ops (so one op per batch,
and XLA could compile it, unlike Keras's RandomRotation / RandomTranslation, whose
ImageProjectiveTransformV3 it cannot). MNIST: a rotation by a whole number of degrees in
[-25, 25), then a shift by a whole number of pixels in [-4, 4] (the original's pad-4 random crop),
filled with the background; CIFAR-10: a horizontal flip with probability 1/2, then a shift in
[-2, 2] with reflected edges (pad-2 reflect, random crop)."""
from __future__ import annotations

import math

import keras
from keras import ops


def _gather_pixels(images, rows, cols):
    """images (batch, h, w, c) read at integer positions rows, cols (batch, h * w), which must lie
    inside the image: (batch, h * w, c)."""
    batch = ops.shape(images)[0]
    height, width, channels = images.shape[1:]
    flat = ops.reshape(images, (batch, height * width, channels))
    index = ops.cast(rows * width + cols, "int32")
    index = ops.broadcast_to(ops.expand_dims(index, -1), (batch, height * width, channels))
    return ops.take_along_axis(flat, index, axis=1)


def _pixel_grid(height: int, width: int):
    rows, cols = ops.meshgrid(ops.arange(height, dtype="float32"), ops.arange(width, dtype="float32"), indexing="ij")
    return ops.reshape(rows, (1, -1)), ops.reshape(cols, (1, -1))


class _WholePixelShift(keras.layers.Layer):
    """What both augmentations share: a seeded random stream, the identity in inference, and a
    shift by a whole number of pixels in [-max_shift, max_shift] on each axis per image."""

    def __init__(self, max_shift: int, seed: int, **kwargs):
        super().__init__(**kwargs)
        self.max_shift = int(max_shift)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=False):
        if not training:
            return images
        return ops.reshape(self.resample(images, ops.shape(images)[0], *images.shape[1:3]), ops.shape(images))

    def draw_shift(self, batch):
        """(batch, 2) whole-pixel shifts (rows, columns), as floats."""
        shift = keras.random.randint((batch, 2), -self.max_shift, self.max_shift + 1, seed=self.seed_generator)
        return ops.cast(shift, "float32")

    def compute_output_shape(self, input_shape):
        return input_shape


class RotateShift(_WholePixelShift):
    """MNIST. In training, each image rotated about its centre by a whole number of degrees drawn
    from [-max_degrees, max_degrees) (Python's randrange, as the original), sampled bilinearly (the
    original: scipy's cubic spline), then shifted by a whole number of pixels in
    [-max_shift, max_shift] on each axis; `fill_value` where the source is outside the image.
    In inference, the identity."""

    def __init__(self, max_degrees: int, max_shift: int, fill_value: float, seed: int, **kwargs):
        super().__init__(max_shift, seed, **kwargs)
        self.max_degrees, self.fill_value = int(max_degrees), float(fill_value)

    def resample(self, images, batch, height, width):
        """(batch, height * width, channels): the rotated and shifted images."""
        degrees = keras.random.randint((batch, 1), -self.max_degrees, self.max_degrees, seed=self.seed_generator)
        shift = self.draw_shift(batch)
        angle = ops.cast(degrees, "float32") * (math.pi / 180.0)
        # each output pixel's source: undo the shift, then the rotation about the centre
        rows, cols = _pixel_grid(height, width)
        centre_row, centre_col = (height - 1) / 2.0, (width - 1) / 2.0
        rows, cols = rows - centre_row - shift[:, :1], cols - centre_col - shift[:, 1:]
        cos, sin = ops.cos(angle), ops.sin(angle)
        source_rows = cos * rows - sin * cols + centre_row
        source_cols = sin * rows + cos * cols + centre_col
        top, left = ops.floor(source_rows), ops.floor(source_cols)
        result = 0.0
        for d_row in (0.0, 1.0):
            for d_col in (0.0, 1.0):
                r, c = top + d_row, left + d_col
                weight = (1.0 - ops.abs(source_rows - r)) * (1.0 - ops.abs(source_cols - c))
                inside = (r >= 0) & (r <= height - 1) & (c >= 0) & (c <= width - 1)
                value = _gather_pixels(images, ops.clip(r, 0, height - 1), ops.clip(c, 0, width - 1))
                value = ops.where(ops.expand_dims(inside, -1), value, self.fill_value)
                result = result + ops.expand_dims(weight, -1) * value
        return result


class FlipShift(_WholePixelShift):
    """CIFAR-10. In training, each image flipped left-right with probability 1/2, then shifted by a
    whole number of pixels in [-max_shift, max_shift] on each axis, the edges reflected (TensorFlow's
    REFLECT padding: the edge pixel is not repeated). In inference, the identity."""

    def resample(self, images, batch, height, width):
        """(batch, height * width, channels): the flipped and shifted images."""
        flip = keras.random.randint((batch, 1), 0, 2, seed=self.seed_generator)
        shift = self.draw_shift(batch)
        rows, cols = _pixel_grid(height, width)

        def reflect(position, size):
            position = ops.abs(position)  # -k reads k
            return ops.where(position > size - 1, 2.0 * (size - 1) - position, position)

        rows, cols = reflect(rows - shift[:, :1], height), reflect(cols - shift[:, 1:], width)
        cols = ops.where(flip == 1, (width - 1) - cols, cols)  # the flip, read through the shift
        return _gather_pixels(images, rows, cols)
