//! The transport: which timestep is current, and playing through time at a given speed.

/// Slowest playback, steps per second.
pub const MIN_SPEED: f64 = 0.5;
/// Fastest playback, steps per second.
pub const MAX_SPEED: f64 = 20.0;

/// Current step (0-based) and playback settings. Time advances through [`Playback::tick`],
/// which the app calls once per animation frame with the frame's duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Playback {
    current: usize,
    playing: bool,
    speed: f64,
    looping: bool,
    /// Fraction of a step accumulated between frames.
    carry: f64,
}

impl Default for Playback {
    /// At step 0, paused, 2 steps/s, no loop.
    fn default() -> Self {
        Self {
            current: 0,
            playing: false,
            speed: 2.0,
            looping: false,
            carry: 0.0,
        }
    }
}

impl Playback {
    /// Paused on the last of `steps` steps, so the whole trace shows on opening.
    pub fn at_end(steps: usize) -> Self {
        Self {
            current: steps.saturating_sub(1),
            ..Self::default()
        }
    }

    pub fn current(&self) -> usize {
        self.current
    }
    pub fn is_playing(&self) -> bool {
        self.playing
    }
    /// Steps per second.
    pub fn speed(&self) -> f64 {
        self.speed
    }
    pub fn is_looping(&self) -> bool {
        self.looping
    }

    /// Starts playing; from the start if already on the last step.
    pub fn play(&mut self, steps: usize) {
        if self.current + 1 >= steps {
            self.current = 0;
        }
        self.playing = steps > 1;
        self.carry = 0.0;
    }
    pub fn pause(&mut self) {
        self.playing = false;
    }
    pub fn toggle(&mut self, steps: usize) {
        if self.playing {
            self.pause()
        } else {
            self.play(steps)
        }
    }

    /// Moves by `delta` steps, stopping at the ends; pauses playback.
    pub fn step_by(&mut self, delta: isize, steps: usize) {
        self.playing = false;
        let last = steps.saturating_sub(1) as isize;
        self.current = (self.current as isize + delta).clamp(0, last) as usize;
    }
    /// Jumps to step `t` (clamped); pauses playback.
    pub fn seek(&mut self, t: usize, steps: usize) {
        self.playing = false;
        self.current = t.min(steps.saturating_sub(1));
    }
    pub fn set_speed(&mut self, steps_per_second: f64) {
        if steps_per_second.is_finite() {
            self.speed = steps_per_second.clamp(MIN_SPEED, MAX_SPEED);
        }
    }
    pub fn set_looping(&mut self, on: bool) {
        self.looping = on;
    }
    /// Keeps the current step valid after the sequence changed length from `old_steps` to
    /// `steps`. Sitting on the last step stays on the last step, so a longer input shows whole.
    pub fn resize(&mut self, old_steps: usize, steps: usize) {
        let last = steps.saturating_sub(1);
        self.current = if self.current + 1 >= old_steps {
            last
        } else {
            self.current.min(last)
        };
    }

    /// Advances by `dt` seconds of playing time; returns whether the step changed. At the
    /// end it wraps when looping, else stops there.
    pub fn tick(&mut self, dt: f64, steps: usize) -> bool {
        if !self.playing || steps == 0 || !dt.is_finite() || dt <= 0.0 {
            return false;
        }
        // A long pause between frames (a hidden tab) must not jump many steps at once.
        self.carry += dt.min(0.25) * self.speed;
        let whole = self.carry.floor();
        if whole < 1.0 {
            return false;
        }
        self.carry -= whole;
        let before = self.current;
        let target = self.current + whole as usize;
        if target < steps {
            self.current = target;
        } else if self.looping {
            self.current = target % steps;
        } else {
            self.current = steps - 1;
            self.playing = false;
        }
        self.current != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plays_at_speed_and_stops_at_the_end() {
        let mut p = Playback::at_end(5);
        p.play(5);
        assert_eq!(p.current(), 0, "play from the end restarts");
        p.set_speed(4.0);
        assert!(!p.tick(0.2, 5));
        assert!(p.tick(0.1, 5), "0.3 s at 4 steps/s is one step");
        assert_eq!(p.current(), 1);
        for _ in 0..20 {
            p.tick(0.25, 5);
        }
        assert_eq!((p.current(), p.is_playing()), (4, false));
    }

    #[test]
    fn loops_when_asked() {
        let mut p = Playback::default();
        p.set_looping(true);
        p.set_speed(10.0);
        p.play(3);
        p.tick(0.2, 3);
        p.tick(0.1, 3);
        assert_eq!(p.current(), 0);
        assert!(p.is_playing());
    }

    #[test]
    fn stepping_clamps_and_pauses() {
        let mut p = Playback::default();
        p.play(10);
        p.step_by(-3, 10);
        assert_eq!((p.current(), p.is_playing()), (0, false));
        p.step_by(100, 10);
        assert_eq!(p.current(), 9);
        p.resize(10, 4);
        assert_eq!(p.current(), 3);
        p.resize(4, 20);
        assert_eq!(
            p.current(),
            19,
            "on the last step, a longer input stays on its last step"
        );
        p.seek(2, 20);
        p.resize(20, 30);
        assert_eq!(p.current(), 2);
        p.set_speed(1000.0);
        assert_eq!(p.speed(), MAX_SPEED);
        p.set_speed(f64::NAN);
        assert_eq!(p.speed(), MAX_SPEED);
    }
}
