"""The 3-D view's still part — the surface and its contour lines — kept in an off-screen picture.

While the runs play the camera rarely moves, yet Mesa's software renderer spent most of each frame
shading the surface again. The backdrop renders the still items once into a framebuffer object and
copies that picture to the screen each frame (``glBlitFramebuffer``); only the moving items are drawn
anew. It renders again when the camera, the window size or the still items change (``key``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from OpenGL import GL
from PySide6.QtOpenGL import QOpenGLFramebufferObject


class Backdrop:
    """An off-screen copy of what ``draw`` paints, for one ``key`` (camera, size, content)."""

    def __init__(self) -> None:
        self.fbo: QOpenGLFramebufferObject | None = None
        self.key: Hashable = None
        self.renders = 0  # (for tests: how often the still items were drawn)

    def show(self, key: Hashable, size: tuple[int, int], draw: Callable[[], None]) -> None:
        """Copy the picture for ``key`` into the framebuffer bound now, drawing it first if stale."""
        target = GL.glGetIntegerv(GL.GL_DRAW_FRAMEBUFFER_BINDING)
        if key != self.key or self.fbo is None or self._size() != size:
            self._render(key, size, draw)
            GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)
        GL.glBindFramebuffer(GL.GL_READ_FRAMEBUFFER, self.fbo.handle())
        GL.glBindFramebuffer(GL.GL_DRAW_FRAMEBUFFER, target)
        w, h = size
        GL.glBlitFramebuffer(0, 0, w, h, 0, 0, w, h, GL.GL_COLOR_BUFFER_BIT, GL.GL_NEAREST)
        GL.glBindFramebuffer(GL.GL_FRAMEBUFFER, target)

    def forget(self) -> None:
        """Drop the picture (the next ``show`` draws it again)."""
        self.key = None

    def _size(self) -> tuple[int, int]:
        return (self.fbo.width(), self.fbo.height()) if self.fbo is not None else (0, 0)

    def _render(self, key: Hashable, size: tuple[int, int], draw: Callable[[], None]) -> None:
        if self.fbo is None or self._size() != size:
            self.fbo = QOpenGLFramebufferObject(*size, QOpenGLFramebufferObject.Attachment.Depth)
        self.fbo.bind()
        GL.glViewport(0, 0, *size)
        draw()
        self.key = key
        self.renders += 1
